<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>main</name>
    <message>
        <source>ReferMap: type what you are looking for over a map, get a georeferenced vector layer back.</source>
        <translation>ReferMap：输入您要在地图上查找的内容，得到带地理参考的矢量图层。</translation>
    </message>
    <message>
        <source>Log level: trace, debug, info, warning, error.</source>
        <translation>日志级别：trace、debug、info、warning、error。</translation>
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
        <translation>打开栅格影像以开始。</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About ReferMap</source>
        <translation>关于 ReferMap(&amp;A)</translation>
    </message>
    <message>
        <source>About ReferMap</source>
        <translation>关于 ReferMap</translation>
    </message>
    <message>
        <source>&lt;h3&gt;ReferMap %1&lt;/h3&gt;&lt;p&gt;Type what you are looking for over a map and get a georeferenced vector layer back.&lt;/p&gt;&lt;p&gt;%2&lt;br&gt;PROJ %3&lt;br&gt;libtorch %4&lt;br&gt;BLAS: %5&lt;/p&gt;</source>
        <translation>&lt;h3&gt;ReferMap %1&lt;/h3&gt;&lt;p&gt;输入您要在地图上查找的内容，即可得到带地理参考的矢量图层。&lt;/p&gt;&lt;p&gt;%2&lt;br&gt;PROJ %3&lt;br&gt;libtorch %4&lt;br&gt;BLAS：%5&lt;/p&gt;</translation>
    </message>
</context>
</TS>
