# Fine-tuning on the user's corrections (issue 7): the dialog and its live chart (Qt Charts).
find_package(Qt6 REQUIRED COMPONENTS Charts)
target_sources(refermap_ui PRIVATE
  fine_tune_dialog.cpp
  fine_tune_dialog.h
  fine_tune_chart.cpp
  fine_tune_chart.h)
# fine_tune_chart.h derives from QChartView: users of that header need Qt Charts too.
target_link_libraries(refermap_ui PUBLIC Qt6::Charts)
