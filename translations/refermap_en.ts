<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AppSettings</name>
    <message>
        <source>No model file is set.</source>
        <translation>No model file is set.</translation>
    </message>
    <message>
        <source>The model file &apos;%1&apos; does not exist.</source>
        <translation>The model file &apos;%1&apos; does not exist.</translation>
    </message>
    <message>
        <source>The model file &apos;%1&apos; is a folder, not a file.</source>
        <translation>The model file &apos;%1&apos; is a folder, not a file.</translation>
    </message>
    <message>
        <source>The model file &apos;%1&apos; cannot be read.</source>
        <translation>The model file &apos;%1&apos; cannot be read.</translation>
    </message>
    <message>
        <source>The device &apos;%1&apos; is not one of auto, cpu, cuda or cuda:N.</source>
        <translation>The device &apos;%1&apos; is not one of auto, cpu, cuda or cuda:N.</translation>
    </message>
    <message>
        <source>The tile size must be 0 (the model&apos;s) or 32 to 8192 pixels, not %1.</source>
        <translation>The tile size must be 0 (the model&apos;s) or 32 to 8192 pixels, not %1.</translation>
    </message>
    <message>
        <source>The overlap must be -1 (a quarter of the tile) or 0 up to less than half the tile, not %1.</source>
        <translation>The overlap must be -1 (a quarter of the tile) or 0 up to less than half the tile, not %1.</translation>
    </message>
    <message>
        <source>The threshold must be between 0 and 1, not %1.</source>
        <translation>The threshold must be between 0 and 1, not %1.</translation>
    </message>
    <message>
        <source>Band numbers start at 1; %1 is not a band.</source>
        <translation>Band numbers start at 1; %1 is not a band.</translation>
    </message>
    <message>
        <source>The stretch percentiles must satisfy 0 &lt;= low &lt; high &lt;= 100 (now %1 and %2).</source>
        <translation>The stretch percentiles must satisfy 0 &lt;= low &lt; high &lt;= 100 (now %1 and %2).</translation>
    </message>
    <message>
        <source>The language &apos;%1&apos; is not one of %2.</source>
        <translation>The language &apos;%1&apos; is not one of %2.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>ReferMap: type what you are looking for over a map, get a georeferenced vector layer back.</source>
        <translation>ReferMap: type what you are looking for over a map, get a georeferenced vector layer back.</translation>
    </message>
    <message>
        <source>Log level: trace, debug, info, warning, error.</source>
        <translation>Log level: trace, debug, info, warning, error.</translation>
    </message>
    <message>
        <source>Run this query over the first raster once it is open.</source>
        <translation>Run this query over the first raster once it is open.</translation>
    </message>
    <message>
        <source>Tile size for the queries, in pixels (default: the settings&apos;).</source>
        <translation>Tile size for the queries, in pixels (default: the settings&apos;).</translation>
    </message>
    <message>
        <source>Save a PNG of the window when the work is done, then quit.</source>
        <translation>Save a PNG of the window when the work is done, then quit.</translation>
    </message>
    <message>
        <source>Rasters or projects (*.refermap.gpkg) to open.</source>
        <translation>Rasters or projects (*.refermap.gpkg) to open.</translation>
    </message>
</context>
<context>
    <name>refermap::ui::ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>GeoPackage polygons (*.gpkg)</source>
        <translation>GeoPackage polygons (*.gpkg)</translation>
    </message>
    <message>
        <source>GeoJSON polygons (*.geojson)</source>
        <translation>GeoJSON polygons (*.geojson)</translation>
    </message>
    <message>
        <source>Shapefile polygons (*.shp)</source>
        <translation>Shapefile polygons (*.shp)</translation>
    </message>
    <message>
        <source>Mask GeoTIFF (*.tif)</source>
        <translation>Mask GeoTIFF (*.tif)</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Output file:</source>
        <translation>Output file:</translation>
    </message>
    <message>
        <source>none: pixel coordinates</source>
        <translation>none: pixel coordinates</translation>
    </message>
    <message>
        <source>The raster&apos;s (%1)</source>
        <translation>The raster&apos;s (%1)</translation>
    </message>
    <message>
        <source>WGS 84 (EPSG:4326)</source>
        <translation>WGS 84 (EPSG:4326)</translation>
    </message>
    <message>
        <source>EPSG code:</source>
        <translation>EPSG code:</translation>
    </message>
    <message>
        <source>Coordinate system:</source>
        <translation>Coordinate system:</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>No simplification</source>
        <translation>No simplification</translation>
    </message>
    <message>
        <source>Largest shift of a polygon edge, in pixels of the mask</source>
        <translation>Largest shift of a polygon edge, in pixels of the mask</translation>
    </message>
    <message>
        <source>Simplification tolerance:</source>
        <translation>Simplification tolerance:</translation>
    </message>
    <message>
        <source> m²</source>
        <translation> m²</translation>
    </message>
    <message>
        <source>Polygons with a smaller ground area are left out</source>
        <translation>Polygons with a smaller ground area are left out</translation>
    </message>
    <message>
        <source>Minimum area:</source>
        <translation>Minimum area:</translation>
    </message>
    <message>
        <source>Choose an output file.</source>
        <translation>Choose an output file.</translation>
    </message>
    <message>
        <source>The folder &apos;%1&apos; does not exist.</source>
        <translation>The folder &apos;%1&apos; does not exist.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is a folder; choose a file name.</source>
        <translation>&apos;%1&apos; is a folder; choose a file name.</translation>
    </message>
    <message>
        <source>EPSG:%1 is not a known coordinate system.</source>
        <translation>EPSG:%1 is not a known coordinate system.</translation>
    </message>
    <message>
        <source>The mask &apos;%1&apos; does not exist.</source>
        <translation>The mask &apos;%1&apos; does not exist.</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>Export to</translation>
    </message>
</context>
<context>
    <name>refermap::ui::FineTuneChart</name>
    <message>
        <source>Training loss</source>
        <translation>Training loss</translation>
    </message>
    <message>
        <source>Validation mIoU</source>
        <translation>Validation mIoU</translation>
    </message>
    <message>
        <source>Validation oIoU</source>
        <translation>Validation oIoU</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Loss</translation>
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
        <translation>Cancelled. The checkpoint in %1 is kept: Resume continues from it.</translation>
    </message>
    <message>
        <source>Fine-tune on Corrections</source>
        <translation>Fine-tune on Corrections</translation>
    </message>
    <message>
        <source>Base model:</source>
        <translation>Base model:</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Edited layers:</source>
        <translation>Edited layers:</translation>
    </message>
    <message>
        <source>The mask layers you corrected; the checked ones are learnt from.</source>
        <translation>The mask layers you corrected; the checked ones are learnt from.</translation>
    </message>
    <message>
        <source>Epochs:</source>
        <translation>Epochs:</translation>
    </message>
    <message>
        <source>Maximum steps:</source>
        <translation>Maximum steps:</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>No limit</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>Batch size:</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>Learning rate:</translation>
    </message>
    <message>
        <source>Backbone learning rate:</source>
        <translation>Backbone learning rate:</translation>
    </message>
    <message>
        <source>Freeze:</source>
        <translation>Freeze:</translation>
    </message>
    <message>
        <source>Nothing (every weight trains)</source>
        <translation>Nothing (every weight trains)</translation>
    </message>
    <message>
        <source>Backbones (Swin and BERT)</source>
        <translation>Backbones (Swin and BERT)</translation>
    </message>
    <message>
        <source>Validation share:</source>
        <translation>Validation share:</translation>
    </message>
    <message>
        <source>The share of the samples held out to measure the model before and after.</source>
        <translation>The share of the samples held out to measure the model before and after.</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Device:</translation>
    </message>
    <message>
        <source>Automatic (GPU when available)</source>
        <translation>Automatic (GPU when available)</translation>
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
        <translation>New model file:</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>Start over</translation>
    </message>
    <message>
        <source>Discard the interrupted run&apos;s checkpoint and train from the base model again.</source>
        <translation>Discard the interrupted run&apos;s checkpoint and train from the base model again.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Use this model and re-run query</source>
        <translation>Use this model and re-run query</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Base model</translation>
    </message>
    <message>
        <source>Fine-tuned</source>
        <translation>Fine-tuned</translation>
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
        <translation>Project: %1</translation>
    </message>
    <message>
        <source>This session has no project file. Save it as a project first (File › Save Project As…): the fine-tune reads your corrections from the project.</source>
        <translation>This session has no project file. Save it as a project first (File › Save Project As…): the fine-tune reads your corrections from the project.</translation>
    </message>
    <message>
        <source>%1 (over %2)</source>
        <translation>%1 (over %2)</translation>
    </message>
    <message>
        <source>Query: %1</source>
        <translation>Query: %1</translation>
    </message>
    <message>
        <source>No edited mask layer: correct the mask of a query with the brush, eraser or polygon tools first; the fine-tune learns from your corrections.</source>
        <translation>No edited mask layer: correct the mask of a query with the brush, eraser or polygon tools first; the fine-tune learns from your corrections.</translation>
    </message>
    <message>
        <source>Save the project first (File › Save Project As…).</source>
        <translation>Save the project first (File › Save Project As…).</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Base Model</source>
        <translation>Base Model</translation>
    </message>
    <message>
        <source>ReferMap models (*.refermap);;All files (*)</source>
        <translation>ReferMap models (*.refermap);;All files (*)</translation>
    </message>
    <message>
        <source>New Model File</source>
        <translation>New Model File</translation>
    </message>
    <message>
        <source>ReferMap models (*.refermap)</source>
        <translation>ReferMap models (*.refermap)</translation>
    </message>
    <message>
        <source>Save the project first (File › Save Project As…): the fine-tune reads your corrections from the project file.</source>
        <translation>Save the project first (File › Save Project As…): the fine-tune reads your corrections from the project file.</translation>
    </message>
    <message>
        <source>Choose at least one edited layer to learn from.</source>
        <translation>Choose at least one edited layer to learn from.</translation>
    </message>
    <message>
        <source>The learning rate &apos;%1&apos; is not a number between 0 and 1.</source>
        <translation>The learning rate &apos;%1&apos; is not a number between 0 and 1.</translation>
    </message>
    <message>
        <source>The base model &apos;%1&apos; does not exist.</source>
        <translation>The base model &apos;%1&apos; does not exist.</translation>
    </message>
    <message>
        <source>Choose a new model file: the base model is never overwritten.</source>
        <translation>Choose a new model file: the base model is never overwritten.</translation>
    </message>
    <message>
        <source>The project could not be saved: %1</source>
        <translation>The project could not be saved: %1</translation>
    </message>
    <message>
        <source>The layer %1 is not in the project file yet; save the project and try again.</source>
        <translation>The layer %1 is not in the project file yet; save the project and try again.</translation>
    </message>
    <message>
        <source>Fine-tune: %1</source>
        <translation>Fine-tune: %1</translation>
    </message>
    <message>
        <source>Resuming the interrupted fine-tune…</source>
        <translation>Resuming the interrupted fine-tune…</translation>
    </message>
    <message>
        <source>Fine-tuning…</source>
        <translation>Fine-tuning…</translation>
    </message>
    <message>
        <source>%1 h %2 min left</source>
        <translation>%1 h %2 min left</translation>
    </message>
    <message>
        <source>%1 min %2 s left</source>
        <translation>%1 min %2 s left</translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation>%1 s left</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>The fine-tune failed: %1</source>
        <translation>The fine-tune failed: %1</translation>
    </message>
    <message>
        <source>The new model is %1.</source>
        <translation>The new model is %1.</translation>
    </message>
    <message numerus="yes">
        <source>Learnt from %1 training samples of %n layer(s) in %2 steps (%3 s); measured on %4 held-out samples.</source>
        <translation>
            <numerusform>Learnt from %1 training samples of %n layer in %2 steps (%3 s); measured on %4 held-out samples.</numerusform>
            <numerusform>Learnt from %1 training samples of %n layers in %2 steps (%3 s); measured on %4 held-out samples.</numerusform>
        </translation>
    </message>
    <message>
        <source>An interrupted run was continued.</source>
        <translation>An interrupted run was continued.</translation>
    </message>
    <message>
        <source>Run a fine-tune first.</source>
        <translation>Run a fine-tune first.</translation>
    </message>
    <message>
        <source>Select the layer whose query should run again.</source>
        <translation>Select the layer whose query should run again.</translation>
    </message>
    <message>
        <source>A query is already running; cancel it or wait.</source>
        <translation>A query is already running; cancel it or wait.</translation>
    </message>
    <message>
        <source>The query &apos;%1&apos; could not be started.</source>
        <translation>The query &apos;%1&apos; could not be started.</translation>
    </message>
    <message>
        <source>%1 is now the active model; running &apos;%2&apos; again with it…</source>
        <translation>%1 is now the active model; running &apos;%2&apos; again with it…</translation>
    </message>
    <message>
        <source>Mirror samples (left–right and top–bottom, direction words too)</source>
        <translation>Mirror samples (left–right and top–bottom, direction words too)</translation>
    </message>
    <message>
        <source>Each training sample is also seen mirrored, with words such as &quot;left&quot; and &quot;north&quot; swapped to match, so a few corrections go further.</source>
        <translation>Each training sample is also seen mirrored, with words such as &quot;left&quot; and &quot;north&quot; swapped to match, so a few corrections go further.</translation>
    </message>
</context>
<context>
    <name>refermap::ui::LayerModel</name>
    <message>
        <source>%1 (edited)</source>
        <translation>%1 (edited)</translation>
    </message>
    <message>
        <source>Query: %1
Settings: %2</source>
        <translation>Query: %1
Settings: %2</translation>
    </message>
</context>
<context>
    <name>refermap::ui::LayersPanel</name>
    <message>
        <source>Opacity of the selected layer</source>
        <translation>Opacity of the selected layer</translation>
    </message>
    <message>
        <source>Colour of the selected mask layer</source>
        <translation>Colour of the selected mask layer</translation>
    </message>
    <message>
        <source>Outline</source>
        <translation>Outline</translation>
    </message>
    <message>
        <source>Draw the edges of the mask</source>
        <translation>Draw the edges of the mask</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>Up</translation>
    </message>
    <message>
        <source>Move the layer up</source>
        <translation>Move the layer up</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Down</translation>
    </message>
    <message>
        <source>Move the layer down</source>
        <translation>Move the layer down</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>Zoom to the layer</source>
        <translation>Zoom to the layer</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>Export the mask layer as vectors or a mask raster</source>
        <translation>Export the mask layer as vectors or a mask raster</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Remove the layer from the project</source>
        <translation>Remove the layer from the project</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>Opacity</translation>
    </message>
    <message>
        <source>Mask colour</source>
        <translation>Mask colour</translation>
    </message>
    <message>
        <source>Heat map</source>
        <translation>Heat map</translation>
    </message>
    <message>
        <source>Show the query&apos;s probabilities instead of the mask</source>
        <translation>Show the query&apos;s probabilities instead of the mask</translation>
    </message>
</context>
<context>
    <name>refermap::ui::LogPanel</name>
    <message>
        <source>Show:</source>
        <translation>Show:</translation>
    </message>
    <message>
        <source>Debug and above</source>
        <translation>Debug and above</translation>
    </message>
    <message>
        <source>Information and above</source>
        <translation>Information and above</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnings and errors</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Errors only</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Clear</translation>
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
        <translation>Ready</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;About ReferMap</source>
        <translation>&amp;About ReferMap</translation>
    </message>
    <message>
        <source>About ReferMap</source>
        <translation>About ReferMap</translation>
    </message>
    <message>
        <source>&lt;h3&gt;ReferMap %1&lt;/h3&gt;&lt;p&gt;Type what you are looking for over a map and get a georeferenced vector layer back.&lt;/p&gt;&lt;p&gt;%2&lt;br&gt;PROJ %3&lt;br&gt;libtorch %4&lt;br&gt;BLAS: %5&lt;/p&gt;</source>
        <translation>&lt;h3&gt;ReferMap %1&lt;/h3&gt;&lt;p&gt;Type what you are looking for over a map and get a georeferenced vector layer back.&lt;/p&gt;&lt;p&gt;%2&lt;br&gt;PROJ %3&lt;br&gt;libtorch %4&lt;br&gt;BLAS: %5&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The project could not be saved: %1</source>
        <translation>The project could not be saved: %1</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>Query</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Tools</translation>
    </message>
    <message>
        <source>Pixel %1, %2</source>
        <translation>Pixel %1, %2</translation>
    </message>
    <message>
        <source>Map %1, %2</source>
        <translation>Map %1, %2</translation>
    </message>
    <message>
        <source>%1°, %2°</source>
        <translation>%1°, %2°</translation>
    </message>
    <message>
        <source>No geographic position</source>
        <translation>No geographic position</translation>
    </message>
    <message>
        <source>1:%1</source>
        <translation>1:%1</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Tools</translation>
    </message>
    <message>
        <source>&amp;Open Raster…</source>
        <translation>&amp;Open Raster…</translation>
    </message>
    <message>
        <source>Open &amp;Project…</source>
        <translation>Open &amp;Project…</translation>
    </message>
    <message>
        <source>&amp;Save Project</source>
        <translation>&amp;Save Project</translation>
    </message>
    <message>
        <source>Save Project &amp;As…</source>
        <translation>Save Project &amp;As…</translation>
    </message>
    <message>
        <source>&amp;Export Layer…</source>
        <translation>&amp;Export Layer…</translation>
    </message>
    <message>
        <source>Build &amp;Overviews</source>
        <translation>Build &amp;Overviews</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Undo</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Redo</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Zoom &amp;In</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Zoom &amp;Out</translation>
    </message>
    <message>
        <source>Zoom to &amp;Layer</source>
        <translation>Zoom to &amp;Layer</translation>
    </message>
    <message>
        <source>&amp;Full Extent</source>
        <translation>&amp;Full Extent</translation>
    </message>
    <message>
        <source>&amp;Native Resolution (1:1 Pixels)</source>
        <translation>&amp;Native Resolution (1:1 Pixels)</translation>
    </message>
    <message>
        <source>&amp;Pan</source>
        <translation>&amp;Pan</translation>
    </message>
    <message>
        <source>&amp;Brush</source>
        <translation>&amp;Brush</translation>
    </message>
    <message>
        <source>&amp;Eraser</source>
        <translation>&amp;Eraser</translation>
    </message>
    <message>
        <source>Polygon &amp;Add</source>
        <translation>Polygon &amp;Add</translation>
    </message>
    <message>
        <source>Polygon &amp;Cut</source>
        <translation>Polygon &amp;Cut</translation>
    </message>
    <message>
        <source>&amp;Fill Hole</source>
        <translation>&amp;Fill Hole</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Tasks</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Device: %1</translation>
    </message>
    <message>
        <source>Device: %1 (unavailable)</source>
        <translation>Device: %1 (unavailable)</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Cannot open %1: %2</translation>
    </message>
    <message>
        <source>Opened %1. It has no overviews: build them (File menu) for smooth zooming.</source>
        <translation>Opened %1. It has no overviews: build them (File menu) for smooth zooming.</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>Opened %1</translation>
    </message>
    <message>
        <source>Cannot open the project %1: %2</source>
        <translation>Cannot open the project %1: %2</translation>
    </message>
    <message>
        <source>Opened the project %1</source>
        <translation>Opened the project %1</translation>
    </message>
    <message>
        <source>Opened the project %1 with problems: %2</source>
        <translation>Opened the project %1 with problems: %2</translation>
    </message>
    <message>
        <source>Cannot save the project %1: %2</source>
        <translation>Cannot save the project %1: %2</translation>
    </message>
    <message>
        <source>Saved the project %1</source>
        <translation>Saved the project %1</translation>
    </message>
    <message>
        <source>Cannot save the project: %1</source>
        <translation>Cannot save the project: %1</translation>
    </message>
    <message>
        <source>Open Raster</source>
        <translation>Open Raster</translation>
    </message>
    <message>
        <source>Rasters (*.tif *.tiff *.vrt *.jp2 *.img *.png *.jpg);;All files (*)</source>
        <translation>Rasters (*.tif *.tiff *.vrt *.jp2 *.img *.png *.jpg);;All files (*)</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>Open Project</translation>
    </message>
    <message>
        <source>ReferMap projects (*.refermap.gpkg *.gpkg)</source>
        <translation>ReferMap projects (*.refermap.gpkg *.gpkg)</translation>
    </message>
    <message>
        <source>Save Project As</source>
        <translation>Save Project As</translation>
    </message>
    <message>
        <source>ReferMap projects (*.refermap.gpkg)</source>
        <translation>ReferMap projects (*.refermap.gpkg)</translation>
    </message>
    <message>
        <source>Open a raster first: the query runs over the imagery.</source>
        <translation>Open a raster first: the query runs over the imagery.</translation>
    </message>
    <message>
        <source>The visible extent does not cover the raster; zoom to it first.</source>
        <translation>The visible extent does not cover the raster; zoom to it first.</translation>
    </message>
    <message>
        <source>A query is already running; cancel it or wait.</source>
        <translation>A query is already running; cancel it or wait.</translation>
    </message>
    <message>
        <source>Running the query &apos;%1&apos;…</source>
        <translation>Running the query &apos;%1&apos;…</translation>
    </message>
    <message>
        <source>The query was cancelled.</source>
        <translation>The query was cancelled.</translation>
    </message>
    <message>
        <source>The query failed: %1</source>
        <translation>The query failed: %1</translation>
    </message>
    <message>
        <source>The query &apos;%1&apos; is done.</source>
        <translation>The query &apos;%1&apos; is done.</translation>
    </message>
    <message>
        <source>Select a mask layer to export.</source>
        <translation>Select a mask layer to export.</translation>
    </message>
    <message>
        <source>Cannot write the edited mask: %1</source>
        <translation>Cannot write the edited mask: %1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n feature(s) to %1</source>
        <translation>
            <numerusform>Exported %n feature to %1</numerusform>
            <numerusform>Exported %n features to %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Export: %1</source>
        <translation>Export: %1</translation>
    </message>
    <message>
        <source>Open a raster first.</source>
        <translation>Open a raster first.</translation>
    </message>
    <message>
        <source>%1 already has overviews.</source>
        <translation>%1 already has overviews.</translation>
    </message>
    <message numerus="yes">
        <source>Built %n overview level(s) for %1</source>
        <translation>
            <numerusform>Built %n overview level for %1</numerusform>
            <numerusform>Built %n overview levels for %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Overviews: %1</source>
        <translation>Overviews: %1</translation>
    </message>
    <message>
        <source>Fine-&amp;tune on Corrections…</source>
        <translation>Fine-&amp;tune on Corrections…</translation>
    </message>
</context>
<context>
    <name>refermap::ui::MapCanvas</name>
    <message>
        <source>Brush radius: %1 pixels</source>
        <translation>Brush radius: %1 pixels</translation>
    </message>
    <message>
        <source>Select a mask layer to edit it</source>
        <translation>Select a mask layer to edit it</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>Brush</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>Erase</translation>
    </message>
    <message>
        <source>A polygon needs at least three vertices</source>
        <translation>A polygon needs at least three vertices</translation>
    </message>
    <message>
        <source>Add polygon</source>
        <translation>Add polygon</translation>
    </message>
    <message>
        <source>Cut polygon</source>
        <translation>Cut polygon</translation>
    </message>
    <message>
        <source>Fill hole</source>
        <translation>Fill hole</translation>
    </message>
    <message>
        <source>Click inside a hole of the mask (a background area enclosed by the mask)</source>
        <translation>Click inside a hole of the mask (a background area enclosed by the mask)</translation>
    </message>
</context>
<context>
    <name>refermap::ui::ProjectController</name>
    <message>
        <source>Raster &apos;%1&apos; was not opened: %2</source>
        <translation>Raster &apos;%1&apos; was not opened: %2</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos; was not opened: its raster is missing.</source>
        <translation>Mask layer &apos;%1&apos; was not opened: its raster is missing.</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: the query&apos;s mask file is missing; only the edits are shown.</source>
        <translation>Mask layer &apos;%1&apos;: the query&apos;s mask file is missing; only the edits are shown.</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos; was not opened: %2</source>
        <translation>Mask layer &apos;%1&apos; was not opened: %2</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: its edits could not be read: %2</source>
        <translation>Mask layer &apos;%1&apos;: its edits could not be read: %2</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: an edit was saved with another tile size and is skipped.</source>
        <translation>Mask layer &apos;%1&apos;: an edit was saved with another tile size and is skipped.</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: %2</source>
        <translation>Mask layer &apos;%1&apos;: %2</translation>
    </message>
</context>
<context>
    <name>refermap::ui::QueryBar</name>
    <message>
        <source>Describe what to find, e.g. the white storage tanks near the harbour</source>
        <translation>Describe what to find, e.g. the white storage tanks near the harbour</translation>
    </message>
    <message>
        <source>Whole raster</source>
        <translation>Whole raster</translation>
    </message>
    <message>
        <source>Visible extent</source>
        <translation>Visible extent</translation>
    </message>
    <message>
        <source>Where to search: the whole raster or only what the map shows now</source>
        <translation>Where to search: the whole raster or only what the map shows now</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Run</translation>
    </message>
    <message>
        <source>Type what to look for first.</source>
        <translation>Type what to look for first.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Stop the running query</source>
        <translation>Stop the running query</translation>
    </message>
    <message>
        <source>Run the query (Enter)</source>
        <translation>Run the query (Enter)</translation>
    </message>
</context>
<context>
    <name>refermap::ui::QueryController</name>
    <message>
        <source>Query: %1</source>
        <translation>Query: %1</translation>
    </message>
</context>
<context>
    <name>refermap::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Model file:</source>
        <translation>Model file:</translation>
    </message>
    <message>
        <source>Automatic (GPU when available)</source>
        <translation>Automatic (GPU when available)</translation>
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
        <translation>Device:</translation>
    </message>
    <message>
        <source>Model default</source>
        <translation>Model default</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation>Tile size:</translation>
    </message>
    <message>
        <source>A quarter of the tile</source>
        <translation>A quarter of the tile</translation>
    </message>
    <message>
        <source>Tile overlap:</source>
        <translation>Tile overlap:</translation>
    </message>
    <message>
        <source>Threshold:</source>
        <translation>Threshold:</translation>
    </message>
    <message>
        <source>Automatic, or e.g. 3, 2, 1</source>
        <translation>Automatic, or e.g. 3, 2, 1</translation>
    </message>
    <message>
        <source>Bands:</source>
        <translation>Bands:</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>to</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Contrast stretch percentiles:</source>
        <translation>Contrast stretch percentiles:</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>System language</translation>
    </message>
    <message>
        <source>Language (after a restart):</source>
        <translation>Language (after a restart):</translation>
    </message>
    <message>
        <source>Choose a ReferMap model</source>
        <translation>Choose a ReferMap model</translation>
    </message>
    <message>
        <source>ReferMap models (*.refermap);;All files (*)</source>
        <translation>ReferMap models (*.refermap);;All files (*)</translation>
    </message>
    <message>
        <source>Bands must be numbers separated by commas, e.g. 3, 2, 1.</source>
        <translation>Bands must be numbers separated by commas, e.g. 3, 2, 1.</translation>
    </message>
</context>
<context>
    <name>refermap::ui::TaskRow</name>
    <message>
        <source>Waiting…</source>
        <translation>Waiting…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Starting…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Failed: %1</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelled</translation>
    </message>
</context>
<context>
    <name>refermap::ui::TasksPanel</name>
    <message>
        <source>less than 5 s left</source>
        <translation>less than 5 s left</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>about %1 s left</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>about %1 min left</translation>
    </message>
    <message>
        <source>about %1 h left</source>
        <translation>about %1 h left</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>Clear finished</translation>
    </message>
</context>
</TS>
