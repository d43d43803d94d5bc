/* Leaders' dashboards: draw the 30-day trend with ECharts from the json_script data, and again after
   each htmx refresh of the figures. The table next to the chart carries the same data for screen
   readers, so the chart itself is hidden from them. */
(function () {
  "use strict";
  var chart = null;

  function draw() {
    var holder = document.querySelector("[data-trend-chart]");
    var source = document.getElementById("trend-data");
    if (!holder || !source || !window.echarts) { return; }
    if (chart) { chart.dispose(); chart = null; }
    var data = JSON.parse(source.textContent);
    chart = window.echarts.init(holder);
    chart.setOption({
      animation: false,
      color: ["#0b4f8a", "#1a7f37"],
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.received, data.labels.resolved], top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.labels.received, type: "line", data: data.received },
        { name: data.labels.resolved, type: "bar", data: data.resolved }
      ]
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSwap", draw);
  window.addEventListener("resize", function () { if (chart) { chart.resize(); } });
})();
