// Draws the dashboard's charts with Chart.js (web/vendor, from npm): data from the page's JSON block.
(function () {
  var block = document.getElementById("chart-data");
  if (!block || typeof Chart === "undefined") return;
  var charts = JSON.parse(block.textContent);
  var colours = ["#0b57a4", "#b3261e", "#2e7d32"];
  Object.keys(charts).forEach(function (name) {
    var canvas = document.getElementById("chart-" + name);
    if (!canvas) return;
    var chart = charts[name];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.series.map(function (s, i) {
          return { label: s[0], data: s[1], backgroundColor: colours[i % colours.length] };
        })
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  });
})();
