<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
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
</context>
<context>
    <name>refermap::ui::MainWindow</name>
    <message>
        <source>ReferMap</source>
        <translation>ReferMap</translation>
    </message>
    <message>
        <source>Open a raster to begin.</source>
        <translation>Öffnen Sie ein Rasterbild, um zu beginnen.</translation>
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
</context>
</TS>
