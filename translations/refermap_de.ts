<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>AppSettings</name>
    <message>
        <source>No model file is set.</source>
        <translation>Es ist keine Modelldatei festgelegt.</translation>
    </message>
    <message>
        <source>The model file &apos;%1&apos; does not exist.</source>
        <translation>Die Modelldatei „%1“ existiert nicht.</translation>
    </message>
    <message>
        <source>The model file &apos;%1&apos; is a folder, not a file.</source>
        <translation>Die Modelldatei „%1“ ist ein Ordner, keine Datei.</translation>
    </message>
    <message>
        <source>The model file &apos;%1&apos; cannot be read.</source>
        <translation>Die Modelldatei „%1“ kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The device &apos;%1&apos; is not one of auto, cpu, cuda or cuda:N.</source>
        <translation>Das Gerät „%1“ ist keines von auto, cpu, cuda oder cuda:N.</translation>
    </message>
    <message>
        <source>The tile size must be 0 (the model&apos;s) or 32 to 8192 pixels, not %1.</source>
        <translation>Die Kachelgröße muss 0 (die des Modells) oder 32 bis 8192 Pixel betragen, nicht %1.</translation>
    </message>
    <message>
        <source>The overlap must be -1 (a quarter of the tile) or 0 up to less than half the tile, not %1.</source>
        <translation>Die Überlappung muss -1 (ein Viertel der Kachel) oder 0 bis unter die halbe Kachel betragen, nicht %1.</translation>
    </message>
    <message>
        <source>The threshold must be between 0 and 1, not %1.</source>
        <translation>Der Schwellenwert muss zwischen 0 und 1 liegen, nicht %1.</translation>
    </message>
    <message>
        <source>Band numbers start at 1; %1 is not a band.</source>
        <translation>Kanalnummern beginnen bei 1; %1 ist kein Kanal.</translation>
    </message>
    <message>
        <source>The stretch percentiles must satisfy 0 &lt;= low &lt; high &lt;= 100 (now %1 and %2).</source>
        <translation>Die Perzentile der Streckung müssen 0 &lt;= unteres &lt; oberes &lt;= 100 erfüllen (jetzt %1 und %2).</translation>
    </message>
    <message>
        <source>The language &apos;%1&apos; is not one of %2.</source>
        <translation>Die Sprache „%1“ ist keine von %2.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>ReferMap: type what you are looking for over a map, get a georeferenced vector layer back.</source>
        <translation>ReferMap: Beschreiben Sie, was Sie auf der Karte suchen, und erhalten Sie einen georeferenzierten Vektorlayer.</translation>
    </message>
    <message>
        <source>Log level: trace, debug, info, warning, error.</source>
        <translation>Protokollstufe: trace, debug, info, warning, error.</translation>
    </message>
    <message>
        <source>Run this query over the first raster once it is open.</source>
        <translation>Diese Abfrage über dem ersten Raster ausführen, sobald es geöffnet ist.</translation>
    </message>
    <message>
        <source>Tile size for the queries, in pixels (default: the settings&apos;).</source>
        <translation>Kachelgröße für die Abfragen in Pixeln (Standard: die der Einstellungen).</translation>
    </message>
    <message>
        <source>Save a PNG of the window when the work is done, then quit.</source>
        <translation>Nach getaner Arbeit ein PNG des Fensters speichern und dann beenden.</translation>
    </message>
    <message>
        <source>Rasters or projects (*.refermap.gpkg) to open.</source>
        <translation>Zu öffnende Raster oder Projekte (*.refermap.gpkg).</translation>
    </message>
</context>
<context>
    <name>refermap::ui::ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>GeoPackage polygons (*.gpkg)</source>
        <translation>GeoPackage-Polygone (*.gpkg)</translation>
    </message>
    <message>
        <source>GeoJSON polygons (*.geojson)</source>
        <translation>GeoJSON-Polygone (*.geojson)</translation>
    </message>
    <message>
        <source>Shapefile polygons (*.shp)</source>
        <translation>Shapefile-Polygone (*.shp)</translation>
    </message>
    <message>
        <source>Mask GeoTIFF (*.tif)</source>
        <translation>Masken-GeoTIFF (*.tif)</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Output file:</source>
        <translation>Ausgabedatei:</translation>
    </message>
    <message>
        <source>none: pixel coordinates</source>
        <translation>keins: Pixelkoordinaten</translation>
    </message>
    <message>
        <source>The raster&apos;s (%1)</source>
        <translation>Wie das Raster (%1)</translation>
    </message>
    <message>
        <source>WGS 84 (EPSG:4326)</source>
        <translation>WGS 84 (EPSG:4326)</translation>
    </message>
    <message>
        <source>EPSG code:</source>
        <translation>EPSG-Code:</translation>
    </message>
    <message>
        <source>Coordinate system:</source>
        <translation>Koordinatenbezugssystem:</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>No simplification</source>
        <translation>Keine Vereinfachung</translation>
    </message>
    <message>
        <source>Largest shift of a polygon edge, in pixels of the mask</source>
        <translation>Größte Verschiebung einer Polygonkante, in Pixeln der Maske</translation>
    </message>
    <message>
        <source>Simplification tolerance:</source>
        <translation>Vereinfachungstoleranz:</translation>
    </message>
    <message>
        <source> m²</source>
        <translation> m²</translation>
    </message>
    <message>
        <source>Polygons with a smaller ground area are left out</source>
        <translation>Polygone mit kleinerer Bodenfläche werden ausgelassen</translation>
    </message>
    <message>
        <source>Minimum area:</source>
        <translation>Mindestfläche:</translation>
    </message>
    <message>
        <source>Choose an output file.</source>
        <translation>Wählen Sie eine Ausgabedatei.</translation>
    </message>
    <message>
        <source>The folder &apos;%1&apos; does not exist.</source>
        <translation>Der Ordner „%1“ existiert nicht.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is a folder; choose a file name.</source>
        <translation>„%1“ ist ein Ordner; wählen Sie einen Dateinamen.</translation>
    </message>
    <message>
        <source>EPSG:%1 is not a known coordinate system.</source>
        <translation>EPSG:%1 ist kein bekanntes Koordinatenbezugssystem.</translation>
    </message>
    <message>
        <source>The mask &apos;%1&apos; does not exist.</source>
        <translation>Die Maske „%1“ existiert nicht.</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>Exportieren nach</translation>
    </message>
</context>
<context>
    <name>refermap::ui::FineTuneChart</name>
    <message>
        <source>Training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
    <message>
        <source>Validation mIoU</source>
        <translation>Validierungs-mIoU</translation>
    </message>
    <message>
        <source>Validation oIoU</source>
        <translation>Validierungs-oIoU</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <source>IoU</source>
        <translation>IoU</translation>
    </message>
</context>
<context>
    <name>refermap::ui::FineTuneDialog</name>
    <message>
        <source>Cancelled. The checkpoint in %1 is kept: Resume continues from it.</source>
        <translation>Abgebrochen. Der Checkpoint in %1 bleibt erhalten: „Fortsetzen“ setzt dort an.</translation>
    </message>
    <message>
        <source>Fine-tune on Corrections</source>
        <translation>Mit Korrekturen feinabstimmen</translation>
    </message>
    <message>
        <source>Base model:</source>
        <translation>Basismodell:</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Edited layers:</source>
        <translation>Bearbeitete Layer:</translation>
    </message>
    <message>
        <source>The mask layers you corrected; the checked ones are learnt from.</source>
        <translation>Die von Ihnen korrigierten Maskenlayer; aus den angehakten wird gelernt.</translation>
    </message>
    <message>
        <source>Epochs:</source>
        <translation>Epochen:</translation>
    </message>
    <message>
        <source>Maximum steps:</source>
        <translation>Maximale Schritte:</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Keine Begrenzung</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>Batchgröße:</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>Lernrate:</translation>
    </message>
    <message>
        <source>Backbone learning rate:</source>
        <translation>Lernrate des Backbones:</translation>
    </message>
    <message>
        <source>Freeze:</source>
        <translation>Einfrieren:</translation>
    </message>
    <message>
        <source>Nothing (every weight trains)</source>
        <translation>Nichts (alle Gewichte werden trainiert)</translation>
    </message>
    <message>
        <source>Backbones (Swin and BERT)</source>
        <translation>Backbones (Swin und BERT)</translation>
    </message>
    <message>
        <source>Validation share:</source>
        <translation>Validierungsanteil:</translation>
    </message>
    <message>
        <source>The share of the samples held out to measure the model before and after.</source>
        <translation>Der Anteil der Beispiele, der zurückbehalten wird, um das Modell vorher und nachher zu messen.</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <source>Automatic (GPU when available)</source>
        <translation>Automatisch (GPU, falls verfügbar)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU %1 (CUDA)</source>
        <translation>GPU %1 (CUDA)</translation>
    </message>
    <message>
        <source>New model file:</source>
        <translation>Neue Modelldatei:</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>Neu beginnen</translation>
    </message>
    <message>
        <source>Discard the interrupted run&apos;s checkpoint and train from the base model again.</source>
        <translation>Den Checkpoint des unterbrochenen Laufs verwerfen und erneut vom Basismodell aus trainieren.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Use this model and re-run query</source>
        <translation>Dieses Modell verwenden und Abfrage erneut ausführen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <source>Fine-tuned</source>
        <translation>Feinabgestimmt</translation>
    </message>
    <message>
        <source>mIoU</source>
        <translation>mIoU</translation>
    </message>
    <message>
        <source>oIoU</source>
        <translation>oIoU</translation>
    </message>
    <message>
        <source>Pr@0.5</source>
        <translation>Pr@0.5</translation>
    </message>
    <message>
        <source>Project: %1</source>
        <translation>Projekt: %1</translation>
    </message>
    <message>
        <source>This session has no project file. Save it as a project first (File › Save Project As…): the fine-tune reads your corrections from the project.</source>
        <translation>Diese Sitzung hat keine Projektdatei. Speichern Sie sie zuerst als Projekt (Datei › Projekt speichern unter…): Die Feinabstimmung liest Ihre Korrekturen aus dem Projekt.</translation>
    </message>
    <message>
        <source>%1 (over %2)</source>
        <translation>%1 (über %2)</translation>
    </message>
    <message>
        <source>Query: %1</source>
        <translation>Abfrage: %1</translation>
    </message>
    <message>
        <source>No edited mask layer: correct the mask of a query with the brush, eraser or polygon tools first; the fine-tune learns from your corrections.</source>
        <translation>Kein bearbeiteter Maskenlayer: Korrigieren Sie zuerst die Maske einer Abfrage mit Pinsel, Radiergummi oder den Polygonwerkzeugen; die Feinabstimmung lernt aus Ihren Korrekturen.</translation>
    </message>
    <message>
        <source>Save the project first (File › Save Project As…).</source>
        <translation>Speichern Sie zuerst das Projekt (Datei › Projekt speichern unter…).</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Base Model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <source>ReferMap models (*.refermap);;All files (*)</source>
        <translation>ReferMap-Modelle (*.refermap);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>New Model File</source>
        <translation>Neue Modelldatei</translation>
    </message>
    <message>
        <source>ReferMap models (*.refermap)</source>
        <translation>ReferMap-Modelle (*.refermap)</translation>
    </message>
    <message>
        <source>Save the project first (File › Save Project As…): the fine-tune reads your corrections from the project file.</source>
        <translation>Speichern Sie zuerst das Projekt (Datei › Projekt speichern unter…): Die Feinabstimmung liest Ihre Korrekturen aus der Projektdatei.</translation>
    </message>
    <message>
        <source>Choose at least one edited layer to learn from.</source>
        <translation>Wählen Sie mindestens einen bearbeiteten Layer, aus dem gelernt werden soll.</translation>
    </message>
    <message>
        <source>The learning rate &apos;%1&apos; is not a number between 0 and 1.</source>
        <translation>Die Lernrate „%1“ ist keine Zahl zwischen 0 und 1.</translation>
    </message>
    <message>
        <source>The base model &apos;%1&apos; does not exist.</source>
        <translation>Das Basismodell „%1“ existiert nicht.</translation>
    </message>
    <message>
        <source>Choose a new model file: the base model is never overwritten.</source>
        <translation>Wählen Sie eine neue Modelldatei: Das Basismodell wird nie überschrieben.</translation>
    </message>
    <message>
        <source>The project could not be saved: %1</source>
        <translation>Das Projekt konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>The layer %1 is not in the project file yet; save the project and try again.</source>
        <translation>Der Layer %1 ist noch nicht in der Projektdatei; speichern Sie das Projekt und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Fine-tune: %1</source>
        <translation>Feinabstimmung: %1</translation>
    </message>
    <message>
        <source>Resuming the interrupted fine-tune…</source>
        <translation>Die unterbrochene Feinabstimmung wird fortgesetzt…</translation>
    </message>
    <message>
        <source>Fine-tuning…</source>
        <translation>Feinabstimmung läuft…</translation>
    </message>
    <message>
        <source>%1 h %2 min left</source>
        <translation>noch %1 h %2 min</translation>
    </message>
    <message>
        <source>%1 min %2 s left</source>
        <translation>noch %1 min %2 s</translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation>noch %1 s</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>The fine-tune failed: %1</source>
        <translation>Die Feinabstimmung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The new model is %1.</source>
        <translation>Das neue Modell ist %1.</translation>
    </message>
    <message numerus="yes">
        <source>Learnt from %1 training samples of %n layer(s) in %2 steps (%3 s); measured on %4 held-out samples.</source>
        <translation>
            <numerusform>Aus %1 Trainingsbeispielen von %n Layer in %2 Schritten gelernt (%3 s); gemessen an %4 zurückbehaltenen Beispielen.</numerusform>
            <numerusform>Aus %1 Trainingsbeispielen von %n Layern in %2 Schritten gelernt (%3 s); gemessen an %4 zurückbehaltenen Beispielen.</numerusform>
        </translation>
    </message>
    <message>
        <source>An interrupted run was continued.</source>
        <translation>Ein unterbrochener Lauf wurde fortgesetzt.</translation>
    </message>
    <message>
        <source>Run a fine-tune first.</source>
        <translation>Führen Sie zuerst eine Feinabstimmung durch.</translation>
    </message>
    <message>
        <source>Select the layer whose query should run again.</source>
        <translation>Wählen Sie den Layer, dessen Abfrage erneut ausgeführt werden soll.</translation>
    </message>
    <message>
        <source>A query is already running; cancel it or wait.</source>
        <translation>Es läuft bereits eine Abfrage; brechen Sie sie ab oder warten Sie.</translation>
    </message>
    <message>
        <source>The query &apos;%1&apos; could not be started.</source>
        <translation>Die Abfrage „%1“ konnte nicht gestartet werden.</translation>
    </message>
    <message>
        <source>%1 is now the active model; running &apos;%2&apos; again with it…</source>
        <translation>%1 ist jetzt das aktive Modell; „%2“ wird damit erneut ausgeführt…</translation>
    </message>
    <message>
        <source>Mirror samples (left–right and top–bottom, direction words too)</source>
        <translation>Beispiele spiegeln (links–rechts und oben–unten, Richtungswörter mit)</translation>
    </message>
    <message>
        <source>Each training sample is also seen mirrored, with words such as &quot;left&quot; and &quot;north&quot; swapped to match, so a few corrections go further.</source>
        <translation>Jedes Trainingsbeispiel wird auch gespiegelt gezeigt, wobei Wörter wie „left“ und „north“ passend vertauscht werden; so reichen wenige Korrekturen weiter.</translation>
    </message>
</context>
<context>
    <name>refermap::ui::LayerModel</name>
    <message>
        <source>%1 (edited)</source>
        <translation>%1 (bearbeitet)</translation>
    </message>
    <message>
        <source>Query: %1
Settings: %2</source>
        <translation>Abfrage: %1
Einstellungen: %2</translation>
    </message>
</context>
<context>
    <name>refermap::ui::LayersPanel</name>
    <message>
        <source>Opacity of the selected layer</source>
        <translation>Deckkraft des gewählten Layers</translation>
    </message>
    <message>
        <source>Colour of the selected mask layer</source>
        <translation>Farbe des gewählten Maskenlayers</translation>
    </message>
    <message>
        <source>Outline</source>
        <translation>Umriss</translation>
    </message>
    <message>
        <source>Draw the edges of the mask</source>
        <translation>Die Kanten der Maske zeichnen</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <source>Move the layer up</source>
        <translation>Layer nach oben verschieben</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <source>Move the layer down</source>
        <translation>Layer nach unten verschieben</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoomen</translation>
    </message>
    <message>
        <source>Zoom to the layer</source>
        <translation>Auf den Layer zoomen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Export the mask layer as vectors or a mask raster</source>
        <translation>Den Maskenlayer als Vektoren oder als Maskenraster exportieren</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the layer from the project</source>
        <translation>Den Layer aus dem Projekt entfernen</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>Deckkraft</translation>
    </message>
    <message>
        <source>Mask colour</source>
        <translation>Maskenfarbe</translation>
    </message>
    <message>
        <source>Heat map</source>
        <translation>Heatmap</translation>
    </message>
    <message>
        <source>Show the query&apos;s probabilities instead of the mask</source>
        <translation>Die Wahrscheinlichkeiten der Abfrage statt der Maske anzeigen</translation>
    </message>
</context>
<context>
    <name>refermap::ui::LogPanel</name>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Debug and above</source>
        <translation>Debug und höher</translation>
    </message>
    <message>
        <source>Information and above</source>
        <translation>Information und höher</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
</context>
<context>
    <name>refermap::ui::MainWindow</name>
    <message>
        <source>ReferMap</source>
        <translation>ReferMap</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About ReferMap</source>
        <translation>&amp;Über ReferMap</translation>
    </message>
    <message>
        <source>About ReferMap</source>
        <translation>Über ReferMap</translation>
    </message>
    <message>
        <source>&lt;h3&gt;ReferMap %1&lt;/h3&gt;&lt;p&gt;Type what you are looking for over a map and get a georeferenced vector layer back.&lt;/p&gt;&lt;p&gt;%2&lt;br&gt;PROJ %3&lt;br&gt;libtorch %4&lt;br&gt;BLAS: %5&lt;/p&gt;</source>
        <translation>&lt;h3&gt;ReferMap %1&lt;/h3&gt;&lt;p&gt;Beschreiben Sie, was Sie auf der Karte suchen, und erhalten Sie einen georeferenzierten Vektorlayer zurück.&lt;/p&gt;&lt;p&gt;%2&lt;br&gt;PROJ %3&lt;br&gt;libtorch %4&lt;br&gt;BLAS: %5&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The project could not be saved: %1</source>
        <translation>Das Projekt konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Abfrage</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Werkzeuge</translation>
    </message>
    <message>
        <source>Pixel %1, %2</source>
        <translation>Pixel %1; %2</translation>
    </message>
    <message>
        <source>Map %1, %2</source>
        <translation>Karte %1; %2</translation>
    </message>
    <message>
        <source>%1°, %2°</source>
        <translation>%1°; %2°</translation>
    </message>
    <message>
        <source>No geographic position</source>
        <translation>Keine geografische Position</translation>
    </message>
    <message>
        <source>1:%1</source>
        <translation>1:%1</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Werkzeuge</translation>
    </message>
    <message>
        <source>&amp;Open Raster…</source>
        <translation>Raster ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open &amp;Project…</source>
        <translation>&amp;Projekt öffnen…</translation>
    </message>
    <message>
        <source>&amp;Save Project</source>
        <translation>Projekt &amp;speichern</translation>
    </message>
    <message>
        <source>Save Project &amp;As…</source>
        <translation>Projekt speichern &amp;unter…</translation>
    </message>
    <message>
        <source>&amp;Export Layer…</source>
        <translation>Layer &amp;exportieren…</translation>
    </message>
    <message>
        <source>Build &amp;Overviews</source>
        <translation>Übersichten e&amp;rstellen</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Hinein&amp;zoomen</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Hera&amp;uszoomen</translation>
    </message>
    <message>
        <source>Zoom to &amp;Layer</source>
        <translation>Auf &amp;Layer zoomen</translation>
    </message>
    <message>
        <source>&amp;Full Extent</source>
        <translation>&amp;Volle Ausdehnung</translation>
    </message>
    <message>
        <source>&amp;Native Resolution (1:1 Pixels)</source>
        <translation>&amp;Native Auflösung (1:1 Pixel)</translation>
    </message>
    <message>
        <source>&amp;Pan</source>
        <translation>Karte &amp;verschieben</translation>
    </message>
    <message>
        <source>&amp;Brush</source>
        <translation>&amp;Pinsel</translation>
    </message>
    <message>
        <source>&amp;Eraser</source>
        <translation>&amp;Radiergummi</translation>
    </message>
    <message>
        <source>Polygon &amp;Add</source>
        <translation>Polygon &amp;hinzufügen</translation>
    </message>
    <message>
        <source>Polygon &amp;Cut</source>
        <translation>Polygon &amp;ausschneiden</translation>
    </message>
    <message>
        <source>&amp;Fill Hole</source>
        <translation>&amp;Loch füllen</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Layer</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Gerät: %1</translation>
    </message>
    <message>
        <source>Device: %1 (unavailable)</source>
        <translation>Gerät: %1 (nicht verfügbar)</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Opened %1. It has no overviews: build them (File menu) for smooth zooming.</source>
        <translation>%1 geöffnet. Es hat keine Übersichten: Erstellen Sie sie (Menü Datei) für flüssiges Zoomen.</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <source>Cannot open the project %1: %2</source>
        <translation>Das Projekt %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Opened the project %1</source>
        <translation>Projekt %1 geöffnet</translation>
    </message>
    <message>
        <source>Opened the project %1 with problems: %2</source>
        <translation>Projekt %1 mit Problemen geöffnet: %2</translation>
    </message>
    <message>
        <source>Cannot save the project %1: %2</source>
        <translation>Das Projekt %1 kann nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Saved the project %1</source>
        <translation>Projekt %1 gespeichert</translation>
    </message>
    <message>
        <source>Cannot save the project: %1</source>
        <translation>Das Projekt kann nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Open Raster</source>
        <translation>Raster öffnen</translation>
    </message>
    <message>
        <source>Rasters (*.tif *.tiff *.vrt *.jp2 *.img *.png *.jpg);;All files (*)</source>
        <translation>Raster (*.tif *.tiff *.vrt *.jp2 *.img *.png *.jpg);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <source>ReferMap projects (*.refermap.gpkg *.gpkg)</source>
        <translation>ReferMap-Projekte (*.refermap.gpkg *.gpkg)</translation>
    </message>
    <message>
        <source>Save Project As</source>
        <translation>Projekt speichern unter</translation>
    </message>
    <message>
        <source>ReferMap projects (*.refermap.gpkg)</source>
        <translation>ReferMap-Projekte (*.refermap.gpkg)</translation>
    </message>
    <message>
        <source>Open a raster first: the query runs over the imagery.</source>
        <translation>Öffnen Sie zuerst ein Raster: Die Abfrage läuft über die Bilddaten.</translation>
    </message>
    <message>
        <source>The visible extent does not cover the raster; zoom to it first.</source>
        <translation>Die sichtbare Ausdehnung überdeckt das Raster nicht; zoomen Sie zuerst darauf.</translation>
    </message>
    <message>
        <source>A query is already running; cancel it or wait.</source>
        <translation>Es läuft bereits eine Abfrage; brechen Sie sie ab oder warten Sie.</translation>
    </message>
    <message>
        <source>Running the query &apos;%1&apos;…</source>
        <translation>Abfrage „%1“ wird ausgeführt…</translation>
    </message>
    <message>
        <source>The query was cancelled.</source>
        <translation>Die Abfrage wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The query failed: %1</source>
        <translation>Die Abfrage ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The query &apos;%1&apos; is done.</source>
        <translation>Die Abfrage „%1“ ist abgeschlossen.</translation>
    </message>
    <message>
        <source>Select a mask layer to export.</source>
        <translation>Wählen Sie einen Maskenlayer zum Exportieren.</translation>
    </message>
    <message>
        <source>Cannot write the edited mask: %1</source>
        <translation>Die bearbeitete Maske kann nicht geschrieben werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n feature(s) to %1</source>
        <translation>
            <numerusform>%n Objekt nach %1 exportiert</numerusform>
            <numerusform>%n Objekte nach %1 exportiert</numerusform>
        </translation>
    </message>
    <message>
        <source>Export: %1</source>
        <translation>Export: %1</translation>
    </message>
    <message>
        <source>Open a raster first.</source>
        <translation>Öffnen Sie zuerst ein Raster.</translation>
    </message>
    <message>
        <source>%1 already has overviews.</source>
        <translation>%1 hat bereits Übersichten.</translation>
    </message>
    <message numerus="yes">
        <source>Built %n overview level(s) for %1</source>
        <translation>
            <numerusform>%n Übersichtsstufe für %1 erstellt</numerusform>
            <numerusform>%n Übersichtsstufen für %1 erstellt</numerusform>
        </translation>
    </message>
    <message>
        <source>Overviews: %1</source>
        <translation>Übersichten: %1</translation>
    </message>
    <message>
        <source>Fine-&amp;tune on Corrections…</source>
        <translation>Mit Korrekturen &amp;feinabstimmen…</translation>
    </message>
</context>
<context>
    <name>refermap::ui::MapCanvas</name>
    <message>
        <source>Brush radius: %1 pixels</source>
        <translation>Pinselradius: %1 Pixel</translation>
    </message>
    <message>
        <source>Select a mask layer to edit it</source>
        <translation>Wählen Sie einen Maskenlayer, um ihn zu bearbeiten</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>Pinsel</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>Radieren</translation>
    </message>
    <message>
        <source>A polygon needs at least three vertices</source>
        <translation>Ein Polygon benötigt mindestens drei Stützpunkte</translation>
    </message>
    <message>
        <source>Add polygon</source>
        <translation>Polygon hinzufügen</translation>
    </message>
    <message>
        <source>Cut polygon</source>
        <translation>Polygon ausschneiden</translation>
    </message>
    <message>
        <source>Fill hole</source>
        <translation>Loch füllen</translation>
    </message>
    <message>
        <source>Click inside a hole of the mask (a background area enclosed by the mask)</source>
        <translation>Klicken Sie in ein Loch der Maske (eine von der Maske umschlossene Hintergrundfläche)</translation>
    </message>
</context>
<context>
    <name>refermap::ui::ProjectController</name>
    <message>
        <source>Raster &apos;%1&apos; was not opened: %2</source>
        <translation>Raster „%1“ wurde nicht geöffnet: %2</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos; was not opened: its raster is missing.</source>
        <translation>Maskenlayer „%1“ wurde nicht geöffnet: Sein Raster fehlt.</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: the query&apos;s mask file is missing; only the edits are shown.</source>
        <translation>Maskenlayer „%1“: Die Maskendatei der Abfrage fehlt; nur die Bearbeitungen werden angezeigt.</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos; was not opened: %2</source>
        <translation>Maskenlayer „%1“ wurde nicht geöffnet: %2</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: its edits could not be read: %2</source>
        <translation>Maskenlayer „%1“: Seine Bearbeitungen konnten nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: an edit was saved with another tile size and is skipped.</source>
        <translation>Maskenlayer „%1“: Eine Bearbeitung wurde mit einer anderen Kachelgröße gespeichert und wird übersprungen.</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: %2</source>
        <translation>Maskenlayer „%1“: %2</translation>
    </message>
</context>
<context>
    <name>refermap::ui::QueryBar</name>
    <message>
        <source>Describe what to find, e.g. the white storage tanks near the harbour</source>
        <translation>Beschreiben Sie, was gefunden werden soll, z. B. die weißen Lagertanks am Hafen</translation>
    </message>
    <message>
        <source>Whole raster</source>
        <translation>Ganzes Raster</translation>
    </message>
    <message>
        <source>Visible extent</source>
        <translation>Sichtbare Ausdehnung</translation>
    </message>
    <message>
        <source>Where to search: the whole raster or only what the map shows now</source>
        <translation>Wo gesucht wird: im ganzen Raster oder nur in dem, was die Karte gerade zeigt</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Type what to look for first.</source>
        <translation>Geben Sie zuerst ein, wonach gesucht werden soll.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop the running query</source>
        <translation>Die laufende Abfrage anhalten</translation>
    </message>
    <message>
        <source>Run the query (Enter)</source>
        <translation>Die Abfrage ausführen (Eingabetaste)</translation>
    </message>
</context>
<context>
    <name>refermap::ui::QueryController</name>
    <message>
        <source>Query: %1</source>
        <translation>Abfrage: %1</translation>
    </message>
</context>
<context>
    <name>refermap::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Model file:</source>
        <translation>Modelldatei:</translation>
    </message>
    <message>
        <source>Automatic (GPU when available)</source>
        <translation>Automatisch (GPU, falls verfügbar)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU %1 (CUDA)</source>
        <translation>GPU %1 (CUDA)</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <source>Model default</source>
        <translation>Standard des Modells</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation>Kachelgröße:</translation>
    </message>
    <message>
        <source>A quarter of the tile</source>
        <translation>Ein Viertel der Kachel</translation>
    </message>
    <message>
        <source>Tile overlap:</source>
        <translation>Kachelüberlappung:</translation>
    </message>
    <message>
        <source>Threshold:</source>
        <translation>Schwellenwert:</translation>
    </message>
    <message>
        <source>Automatic, or e.g. 3, 2, 1</source>
        <translation>Automatisch, oder z. B. 3, 2, 1</translation>
    </message>
    <message>
        <source>Bands:</source>
        <translation>Kanäle:</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>Contrast stretch percentiles:</source>
        <translation>Perzentile der Kontraststreckung:</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Language (after a restart):</source>
        <translation>Sprache (nach einem Neustart):</translation>
    </message>
    <message>
        <source>Choose a ReferMap model</source>
        <translation>ReferMap-Modell wählen</translation>
    </message>
    <message>
        <source>ReferMap models (*.refermap);;All files (*)</source>
        <translation>ReferMap-Modelle (*.refermap);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Bands must be numbers separated by commas, e.g. 3, 2, 1.</source>
        <translation>Kanäle müssen durch Kommas getrennte Zahlen sein, z. B. 3, 2, 1.</translation>
    </message>
</context>
<context>
    <name>refermap::ui::TaskRow</name>
    <message>
        <source>Waiting…</source>
        <translation>Wartet…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
</context>
<context>
    <name>refermap::ui::TasksPanel</name>
    <message>
        <source>less than 5 s left</source>
        <translation>noch weniger als 5 s</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>noch etwa %1 s</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>noch etwa %1 min</translation>
    </message>
    <message>
        <source>about %1 h left</source>
        <translation>noch etwa %1 h</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>Abgeschlossene entfernen</translation>
    </message>
</context>
</TS>
