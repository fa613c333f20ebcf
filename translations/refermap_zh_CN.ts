<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AppSettings</name>
    <message>
        <source>No model file is set.</source>
        <translation>未设置模型文件。</translation>
    </message>
    <message>
        <source>The model file &apos;%1&apos; does not exist.</source>
        <translation>模型文件“%1”不存在。</translation>
    </message>
    <message>
        <source>The model file &apos;%1&apos; is a folder, not a file.</source>
        <translation>模型文件“%1”是文件夹，而不是文件。</translation>
    </message>
    <message>
        <source>The model file &apos;%1&apos; cannot be read.</source>
        <translation>无法读取模型文件“%1”。</translation>
    </message>
    <message>
        <source>The device &apos;%1&apos; is not one of auto, cpu, cuda or cuda:N.</source>
        <translation>设备“%1”不是 auto、cpu、cuda 或 cuda:N 之一。</translation>
    </message>
    <message>
        <source>The tile size must be 0 (the model&apos;s) or 32 to 8192 pixels, not %1.</source>
        <translation>瓦片大小必须为 0（使用模型的大小）或 32 到 8192 像素，而不是 %1。</translation>
    </message>
    <message>
        <source>The overlap must be -1 (a quarter of the tile) or 0 up to less than half the tile, not %1.</source>
        <translation>重叠必须为 -1（瓦片的四分之一）或从 0 到小于瓦片的一半，而不是 %1。</translation>
    </message>
    <message>
        <source>The threshold must be between 0 and 1, not %1.</source>
        <translation>阈值必须介于 0 和 1 之间，而不是 %1。</translation>
    </message>
    <message>
        <source>Band numbers start at 1; %1 is not a band.</source>
        <translation>波段编号从 1 开始；%1 不是波段。</translation>
    </message>
    <message>
        <source>The stretch percentiles must satisfy 0 &lt;= low &lt; high &lt;= 100 (now %1 and %2).</source>
        <translation>拉伸百分位数必须满足 0 &lt;= 下限 &lt; 上限 &lt;= 100（当前为 %1 和 %2）。</translation>
    </message>
    <message>
        <source>The language &apos;%1&apos; is not one of %2.</source>
        <translation>语言“%1”不是 %2 之一。</translation>
    </message>
</context>
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
    <message>
        <source>Run this query over the first raster once it is open.</source>
        <translation>第一个栅格打开后，在其上运行此查询。</translation>
    </message>
    <message>
        <source>Tile size for the queries, in pixels (default: the settings&apos;).</source>
        <translation>查询使用的瓦片大小，单位为像素（默认：设置中的值）。</translation>
    </message>
    <message>
        <source>Save a PNG of the window when the work is done, then quit.</source>
        <translation>工作完成后将窗口保存为 PNG，然后退出。</translation>
    </message>
    <message>
        <source>Rasters or projects (*.refermap.gpkg) to open.</source>
        <translation>要打开的栅格或项目（*.refermap.gpkg）。</translation>
    </message>
</context>
<context>
    <name>refermap::ui::ExportDialog</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>GeoPackage polygons (*.gpkg)</source>
        <translation>GeoPackage 多边形 (*.gpkg)</translation>
    </message>
    <message>
        <source>GeoJSON polygons (*.geojson)</source>
        <translation>GeoJSON 多边形 (*.geojson)</translation>
    </message>
    <message>
        <source>Shapefile polygons (*.shp)</source>
        <translation>Shapefile 多边形 (*.shp)</translation>
    </message>
    <message>
        <source>Mask GeoTIFF (*.tif)</source>
        <translation>掩膜 GeoTIFF (*.tif)</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Output file:</source>
        <translation>输出文件：</translation>
    </message>
    <message>
        <source>none: pixel coordinates</source>
        <translation>无：像素坐标</translation>
    </message>
    <message>
        <source>The raster&apos;s (%1)</source>
        <translation>栅格的坐标系（%1）</translation>
    </message>
    <message>
        <source>WGS 84 (EPSG:4326)</source>
        <translation>WGS 84 (EPSG:4326)</translation>
    </message>
    <message>
        <source>EPSG code:</source>
        <translation>EPSG 代码：</translation>
    </message>
    <message>
        <source>Coordinate system:</source>
        <translation>坐标参考系：</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>No simplification</source>
        <translation>不简化</translation>
    </message>
    <message>
        <source>Largest shift of a polygon edge, in pixels of the mask</source>
        <translation>多边形边的最大偏移量，以掩膜像素为单位</translation>
    </message>
    <message>
        <source>Simplification tolerance:</source>
        <translation>简化容差：</translation>
    </message>
    <message>
        <source> m²</source>
        <translation> 平方米</translation>
    </message>
    <message>
        <source>Polygons with a smaller ground area are left out</source>
        <translation>地面面积更小的多边形将被忽略</translation>
    </message>
    <message>
        <source>Minimum area:</source>
        <translation>最小面积：</translation>
    </message>
    <message>
        <source>Choose an output file.</source>
        <translation>请选择输出文件。</translation>
    </message>
    <message>
        <source>The folder &apos;%1&apos; does not exist.</source>
        <translation>文件夹“%1”不存在。</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is a folder; choose a file name.</source>
        <translation>“%1”是文件夹；请选择文件名。</translation>
    </message>
    <message>
        <source>EPSG:%1 is not a known coordinate system.</source>
        <translation>EPSG:%1 不是已知的坐标参考系。</translation>
    </message>
    <message>
        <source>The mask &apos;%1&apos; does not exist.</source>
        <translation>掩膜“%1”不存在。</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
</context>
<context>
    <name>refermap::ui::FineTuneChart</name>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>Validation mIoU</source>
        <translation>验证 mIoU</translation>
    </message>
    <message>
        <source>Validation oIoU</source>
        <translation>验证 oIoU</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
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
        <translation>已取消。%1 中的检查点已保留：“继续”将从该检查点接着训练。</translation>
    </message>
    <message>
        <source>Fine-tune on Corrections</source>
        <translation>根据修正微调</translation>
    </message>
    <message>
        <source>Base model:</source>
        <translation>基础模型：</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Edited layers:</source>
        <translation>已编辑的图层：</translation>
    </message>
    <message>
        <source>The mask layers you corrected; the checked ones are learnt from.</source>
        <translation>您修正过的掩膜图层；将从勾选的图层中学习。</translation>
    </message>
    <message>
        <source>Epochs:</source>
        <translation>轮数：</translation>
    </message>
    <message>
        <source>Maximum steps:</source>
        <translation>最大步数：</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>无限制</translation>
    </message>
    <message>
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <source>Backbone learning rate:</source>
        <translation>骨干网络学习率：</translation>
    </message>
    <message>
        <source>Freeze:</source>
        <translation>冻结：</translation>
    </message>
    <message>
        <source>Nothing (every weight trains)</source>
        <translation>不冻结（训练所有权重）</translation>
    </message>
    <message>
        <source>Backbones (Swin and BERT)</source>
        <translation>骨干网络（Swin 和 BERT）</translation>
    </message>
    <message>
        <source>Validation share:</source>
        <translation>验证比例：</translation>
    </message>
    <message>
        <source>The share of the samples held out to measure the model before and after.</source>
        <translation>留出的样本比例，用于在微调前后评估模型。</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Automatic (GPU when available)</source>
        <translation>自动（如有 GPU 则使用 GPU）</translation>
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
        <translation>新模型文件：</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <source>Discard the interrupted run&apos;s checkpoint and train from the base model again.</source>
        <translation>丢弃中断运行的检查点，并从基础模型重新训练。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Use this model and re-run query</source>
        <translation>使用此模型并重新运行查询</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Fine-tuned</source>
        <translation>微调后</translation>
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
        <translation>项目：%1</translation>
    </message>
    <message>
        <source>This session has no project file. Save it as a project first (File › Save Project As…): the fine-tune reads your corrections from the project.</source>
        <translation>此会话没有项目文件。请先将其保存为项目（文件 › 项目另存为…）：微调会从项目中读取您的修正。</translation>
    </message>
    <message>
        <source>%1 (over %2)</source>
        <translation>%1（基于 %2）</translation>
    </message>
    <message>
        <source>Query: %1</source>
        <translation>查询：%1</translation>
    </message>
    <message>
        <source>No edited mask layer: correct the mask of a query with the brush, eraser or polygon tools first; the fine-tune learns from your corrections.</source>
        <translation>没有已编辑的掩膜图层：请先使用画笔、橡皮擦或多边形工具修正查询的掩膜；微调会从您的修正中学习。</translation>
    </message>
    <message>
        <source>Save the project first (File › Save Project As…).</source>
        <translation>请先保存项目（文件 › 项目另存为…）。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Base Model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>ReferMap models (*.refermap);;All files (*)</source>
        <translation>ReferMap 模型 (*.refermap);;所有文件 (*)</translation>
    </message>
    <message>
        <source>New Model File</source>
        <translation>新模型文件</translation>
    </message>
    <message>
        <source>ReferMap models (*.refermap)</source>
        <translation>ReferMap 模型 (*.refermap)</translation>
    </message>
    <message>
        <source>Save the project first (File › Save Project As…): the fine-tune reads your corrections from the project file.</source>
        <translation>请先保存项目（文件 › 项目另存为…）：微调会从项目文件中读取您的修正。</translation>
    </message>
    <message>
        <source>Choose at least one edited layer to learn from.</source>
        <translation>请至少选择一个用于学习的已编辑图层。</translation>
    </message>
    <message>
        <source>The learning rate &apos;%1&apos; is not a number between 0 and 1.</source>
        <translation>学习率“%1”不是介于 0 和 1 之间的数字。</translation>
    </message>
    <message>
        <source>The base model &apos;%1&apos; does not exist.</source>
        <translation>基础模型“%1”不存在。</translation>
    </message>
    <message>
        <source>Choose a new model file: the base model is never overwritten.</source>
        <translation>请选择新的模型文件：基础模型永远不会被覆盖。</translation>
    </message>
    <message>
        <source>The project could not be saved: %1</source>
        <translation>无法保存项目：%1</translation>
    </message>
    <message>
        <source>The layer %1 is not in the project file yet; save the project and try again.</source>
        <translation>图层 %1 尚未保存到项目文件中；请保存项目后重试。</translation>
    </message>
    <message>
        <source>Fine-tune: %1</source>
        <translation>微调：%1</translation>
    </message>
    <message>
        <source>Resuming the interrupted fine-tune…</source>
        <translation>正在继续中断的微调…</translation>
    </message>
    <message>
        <source>Fine-tuning…</source>
        <translation>正在微调…</translation>
    </message>
    <message>
        <source>%1 h %2 min left</source>
        <translation>剩余 %1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>%1 min %2 s left</source>
        <translation>剩余 %1 分钟 %2 秒</translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation>剩余 %1 秒</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>The fine-tune failed: %1</source>
        <translation>微调失败：%1</translation>
    </message>
    <message>
        <source>The new model is %1.</source>
        <translation>新模型为 %1。</translation>
    </message>
    <message numerus="yes">
        <source>Learnt from %1 training samples of %n layer(s) in %2 steps (%3 s); measured on %4 held-out samples.</source>
        <translation>
            <numerusform>已用 %2 步（%3 秒）从 %n 个图层的 %1 个训练样本中学习；在 %4 个留出样本上评估。</numerusform>
        </translation>
    </message>
    <message>
        <source>An interrupted run was continued.</source>
        <translation>已继续一次中断的运行。</translation>
    </message>
    <message>
        <source>Run a fine-tune first.</source>
        <translation>请先运行微调。</translation>
    </message>
    <message>
        <source>Select the layer whose query should run again.</source>
        <translation>请选择要重新运行其查询的图层。</translation>
    </message>
    <message>
        <source>A query is already running; cancel it or wait.</source>
        <translation>已有查询正在运行；请取消或等待其完成。</translation>
    </message>
    <message>
        <source>The query &apos;%1&apos; could not be started.</source>
        <translation>无法启动查询“%1”。</translation>
    </message>
    <message>
        <source>%1 is now the active model; running &apos;%2&apos; again with it…</source>
        <translation>%1 现为活动模型；正在使用它重新运行“%2”…</translation>
    </message>
    <message>
        <source>Mirror samples (left–right and top–bottom, direction words too)</source>
        <translation>镜像样本（左右与上下翻转，方位词随之互换）</translation>
    </message>
    <message>
        <source>Each training sample is also seen mirrored, with words such as &quot;left&quot; and &quot;north&quot; swapped to match, so a few corrections go further.</source>
        <translation>每个训练样本也会以镜像形式出现，“left”“north”等词随之互换，使少量修正发挥更大作用。</translation>
    </message>
</context>
<context>
    <name>refermap::ui::LayerModel</name>
    <message>
        <source>%1 (edited)</source>
        <translation>%1（已编辑）</translation>
    </message>
    <message>
        <source>Query: %1
Settings: %2</source>
        <translation>查询：%1
设置：%2</translation>
    </message>
</context>
<context>
    <name>refermap::ui::LayersPanel</name>
    <message>
        <source>Opacity of the selected layer</source>
        <translation>所选图层的不透明度</translation>
    </message>
    <message>
        <source>Colour of the selected mask layer</source>
        <translation>所选掩膜图层的颜色</translation>
    </message>
    <message>
        <source>Outline</source>
        <translation>轮廓</translation>
    </message>
    <message>
        <source>Draw the edges of the mask</source>
        <translation>绘制掩膜的边缘</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move the layer up</source>
        <translation>将图层上移</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Move the layer down</source>
        <translation>将图层下移</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>缩放</translation>
    </message>
    <message>
        <source>Zoom to the layer</source>
        <translation>缩放到图层</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Export the mask layer as vectors or a mask raster</source>
        <translation>将掩膜图层导出为矢量或掩膜栅格</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove the layer from the project</source>
        <translation>从项目中移除图层</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>Mask colour</source>
        <translation>掩膜颜色</translation>
    </message>
    <message>
        <source>Heat map</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Show the query&apos;s probabilities instead of the mask</source>
        <translation>显示查询的概率而不是掩膜</translation>
    </message>
</context>
<context>
    <name>refermap::ui::LogPanel</name>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Debug and above</source>
        <translation>调试及以上</translation>
    </message>
    <message>
        <source>Information and above</source>
        <translation>信息及以上</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
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
    <message>
        <source>The project could not be saved: %1</source>
        <translation>无法保存项目：%1</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Pixel %1, %2</source>
        <translation>像素 %1, %2</translation>
    </message>
    <message>
        <source>Map %1, %2</source>
        <translation>地图 %1, %2</translation>
    </message>
    <message>
        <source>%1°, %2°</source>
        <translation>%1°, %2°</translation>
    </message>
    <message>
        <source>No geographic position</source>
        <translation>无地理位置</translation>
    </message>
    <message>
        <source>1:%1</source>
        <translation>1:%1</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Open Raster…</source>
        <translation>打开栅格(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Project…</source>
        <translation>打开项目(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Save Project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <source>Save Project &amp;As…</source>
        <translation>项目另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Export Layer…</source>
        <translation>导出图层(&amp;E)…</translation>
    </message>
    <message>
        <source>Build &amp;Overviews</source>
        <translation>创建金字塔(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom to &amp;Layer</source>
        <translation>缩放到图层(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Full Extent</source>
        <translation>全图显示(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Native Resolution (1:1 Pixels)</source>
        <translation>原始分辨率(1:1 像素)(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Pan</source>
        <translation>平移(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Brush</source>
        <translation>画笔(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Eraser</source>
        <translation>橡皮擦(&amp;E)</translation>
    </message>
    <message>
        <source>Polygon &amp;Add</source>
        <translation>添加多边形(&amp;A)</translation>
    </message>
    <message>
        <source>Polygon &amp;Cut</source>
        <translation>切除多边形(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Fill Hole</source>
        <translation>填充孔洞(&amp;F)</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <source>Device: %1 (unavailable)</source>
        <translation>设备：%1（不可用）</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>Opened %1. It has no overviews: build them (File menu) for smooth zooming.</source>
        <translation>已打开 %1。它没有金字塔：请创建金字塔（文件菜单）以便流畅缩放。</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Cannot open the project %1: %2</source>
        <translation>无法打开项目 %1：%2</translation>
    </message>
    <message>
        <source>Opened the project %1</source>
        <translation>已打开项目 %1</translation>
    </message>
    <message>
        <source>Opened the project %1 with problems: %2</source>
        <translation>已打开项目 %1，但存在问题：%2</translation>
    </message>
    <message>
        <source>Cannot save the project %1: %2</source>
        <translation>无法保存项目 %1：%2</translation>
    </message>
    <message>
        <source>Saved the project %1</source>
        <translation>已保存项目 %1</translation>
    </message>
    <message>
        <source>Cannot save the project: %1</source>
        <translation>无法保存项目：%1</translation>
    </message>
    <message>
        <source>Open Raster</source>
        <translation>打开栅格</translation>
    </message>
    <message>
        <source>Rasters (*.tif *.tiff *.vrt *.jp2 *.img *.png *.jpg);;All files (*)</source>
        <translation>栅格 (*.tif *.tiff *.vrt *.jp2 *.img *.png *.jpg);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>ReferMap projects (*.refermap.gpkg *.gpkg)</source>
        <translation>ReferMap 项目 (*.refermap.gpkg *.gpkg)</translation>
    </message>
    <message>
        <source>Save Project As</source>
        <translation>项目另存为</translation>
    </message>
    <message>
        <source>ReferMap projects (*.refermap.gpkg)</source>
        <translation>ReferMap 项目 (*.refermap.gpkg)</translation>
    </message>
    <message>
        <source>Open a raster first: the query runs over the imagery.</source>
        <translation>请先打开栅格：查询在影像上运行。</translation>
    </message>
    <message>
        <source>The visible extent does not cover the raster; zoom to it first.</source>
        <translation>可见范围未覆盖栅格；请先缩放到栅格。</translation>
    </message>
    <message>
        <source>A query is already running; cancel it or wait.</source>
        <translation>已有查询正在运行；请取消或等待其完成。</translation>
    </message>
    <message>
        <source>Running the query &apos;%1&apos;…</source>
        <translation>正在运行查询“%1”…</translation>
    </message>
    <message>
        <source>The query was cancelled.</source>
        <translation>查询已取消。</translation>
    </message>
    <message>
        <source>The query failed: %1</source>
        <translation>查询失败：%1</translation>
    </message>
    <message>
        <source>The query &apos;%1&apos; is done.</source>
        <translation>查询“%1”已完成。</translation>
    </message>
    <message>
        <source>Select a mask layer to export.</source>
        <translation>请选择要导出的掩膜图层。</translation>
    </message>
    <message>
        <source>Cannot write the edited mask: %1</source>
        <translation>无法写入已编辑的掩膜：%1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n feature(s) to %1</source>
        <translation>
            <numerusform>已将 %n 个要素导出到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Export: %1</source>
        <translation>导出：%1</translation>
    </message>
    <message>
        <source>Open a raster first.</source>
        <translation>请先打开栅格。</translation>
    </message>
    <message>
        <source>%1 already has overviews.</source>
        <translation>%1 已有金字塔。</translation>
    </message>
    <message numerus="yes">
        <source>Built %n overview level(s) for %1</source>
        <translation>
            <numerusform>已为 %1 创建 %n 级金字塔</numerusform>
        </translation>
    </message>
    <message>
        <source>Overviews: %1</source>
        <translation>金字塔：%1</translation>
    </message>
    <message>
        <source>Fine-&amp;tune on Corrections…</source>
        <translation>根据修正微调(&amp;T)…</translation>
    </message>
</context>
<context>
    <name>refermap::ui::MapCanvas</name>
    <message>
        <source>Brush radius: %1 pixels</source>
        <translation>画笔半径：%1 像素</translation>
    </message>
    <message>
        <source>Select a mask layer to edit it</source>
        <translation>请选择要编辑的掩膜图层</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>擦除</translation>
    </message>
    <message>
        <source>A polygon needs at least three vertices</source>
        <translation>多边形至少需要三个顶点</translation>
    </message>
    <message>
        <source>Add polygon</source>
        <translation>添加多边形</translation>
    </message>
    <message>
        <source>Cut polygon</source>
        <translation>切除多边形</translation>
    </message>
    <message>
        <source>Fill hole</source>
        <translation>填充孔洞</translation>
    </message>
    <message>
        <source>Click inside a hole of the mask (a background area enclosed by the mask)</source>
        <translation>请在掩膜的孔洞内单击（被掩膜包围的背景区域）</translation>
    </message>
</context>
<context>
    <name>refermap::ui::ProjectController</name>
    <message>
        <source>Raster &apos;%1&apos; was not opened: %2</source>
        <translation>未打开栅格“%1”：%2</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos; was not opened: its raster is missing.</source>
        <translation>未打开掩膜图层“%1”：其栅格缺失。</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: the query&apos;s mask file is missing; only the edits are shown.</source>
        <translation>掩膜图层“%1”：查询的掩膜文件缺失；仅显示编辑内容。</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos; was not opened: %2</source>
        <translation>未打开掩膜图层“%1”：%2</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: its edits could not be read: %2</source>
        <translation>掩膜图层“%1”：无法读取其编辑内容：%2</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: an edit was saved with another tile size and is skipped.</source>
        <translation>掩膜图层“%1”：有一处编辑是以其他瓦片大小保存的，已跳过。</translation>
    </message>
    <message>
        <source>Mask layer &apos;%1&apos;: %2</source>
        <translation>掩膜图层“%1”：%2</translation>
    </message>
</context>
<context>
    <name>refermap::ui::QueryBar</name>
    <message>
        <source>Describe what to find, e.g. the white storage tanks near the harbour</source>
        <translation>描述要查找的内容，例如：港口附近的白色储罐</translation>
    </message>
    <message>
        <source>Whole raster</source>
        <translation>整个栅格</translation>
    </message>
    <message>
        <source>Visible extent</source>
        <translation>可见范围</translation>
    </message>
    <message>
        <source>Where to search: the whole raster or only what the map shows now</source>
        <translation>搜索范围：整个栅格，或仅地图当前显示的区域</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Type what to look for first.</source>
        <translation>请先输入要查找的内容。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the running query</source>
        <translation>停止正在运行的查询</translation>
    </message>
    <message>
        <source>Run the query (Enter)</source>
        <translation>运行查询（回车键）</translation>
    </message>
</context>
<context>
    <name>refermap::ui::QueryController</name>
    <message>
        <source>Query: %1</source>
        <translation>查询：%1</translation>
    </message>
</context>
<context>
    <name>refermap::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Model file:</source>
        <translation>模型文件：</translation>
    </message>
    <message>
        <source>Automatic (GPU when available)</source>
        <translation>自动（如有 GPU 则使用 GPU）</translation>
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
        <translation>设备：</translation>
    </message>
    <message>
        <source>Model default</source>
        <translation>模型默认值</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>Tile size:</source>
        <translation>瓦片大小：</translation>
    </message>
    <message>
        <source>A quarter of the tile</source>
        <translation>瓦片的四分之一</translation>
    </message>
    <message>
        <source>Tile overlap:</source>
        <translation>瓦片重叠：</translation>
    </message>
    <message>
        <source>Threshold:</source>
        <translation>阈值：</translation>
    </message>
    <message>
        <source>Automatic, or e.g. 3, 2, 1</source>
        <translation>自动，或例如 3, 2, 1</translation>
    </message>
    <message>
        <source>Bands:</source>
        <translation>波段：</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Contrast stretch percentiles:</source>
        <translation>对比度拉伸百分位数：</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>Language (after a restart):</source>
        <translation>语言（重启后生效）：</translation>
    </message>
    <message>
        <source>Choose a ReferMap model</source>
        <translation>选择 ReferMap 模型</translation>
    </message>
    <message>
        <source>ReferMap models (*.refermap);;All files (*)</source>
        <translation>ReferMap 模型 (*.refermap);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Bands must be numbers separated by commas, e.g. 3, 2, 1.</source>
        <translation>波段必须是以逗号分隔的数字，例如 3, 2, 1。</translation>
    </message>
</context>
<context>
    <name>refermap::ui::TaskRow</name>
    <message>
        <source>Waiting…</source>
        <translation>等待中…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>refermap::ui::TasksPanel</name>
    <message>
        <source>less than 5 s left</source>
        <translation>剩余不到 5 秒</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>剩余约 %1 秒</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>剩余约 %1 分钟</translation>
    </message>
    <message>
        <source>about %1 h left</source>
        <translation>剩余约 %1 小时</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
</context>
</TS>
