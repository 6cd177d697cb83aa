/* bornite dashboard: draws the charts of a page from the JSON API with the bundled Plotly.
   No inline script: pages mark chart containers with data-chart and data-src. */
"use strict";

(function () {
  const config = { responsive: true, displaylogo: false };

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail; } catch (e) { /* not JSON */ }
      throw new Error(`${url}: ${response.status} ${detail}`);
    }
    return response.json();
  }

  function ready(el, count) {
    el.dataset.markers = String(count);
    el.dataset.ready = "1";
  }

  function noData(el, text) {
    el.classList.add("empty");
    el.textContent = text;
    ready(el, 0);
  }

  function groupBy(rows, key) {
    const groups = new Map();
    for (const row of rows) {
      const value = row[key] || "(not given)";
      if (!groups.has(value)) groups.set(value, []);
      groups.get(value).push(row);
    }
    return groups;
  }

  function extent(values) {
    let lo = Infinity, hi = -Infinity;
    for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
    return [lo, hi];
  }

  function overlaps(a, b) { return a[0] <= b[1] && b[0] <= a[1]; }

  // ---------------------------------------------------------------- the map
  async function drawMap(el) {
    const data = await getJSON(el.dataset.src);
    const colour = document.getElementById("map-colour");
    const crsSelect = document.getElementById("map-crs");
    const byCrs = groupBy(data.deposits, "crs");
    const systems = [...byCrs.keys()].sort((a, b) => byCrs.get(b).length - byCrs.get(a).length);
    for (const crs of systems) {
      const option = document.createElement("option");
      option.value = crs;
      option.textContent = `${crs} (${byCrs.get(crs).length})`;
      crsSelect.appendChild(option);
    }
    const render = () => {
      const crs = crsSelect.value;
      const deposits = byCrs.get(crs) || [];
      const traces = [];
      const layer = data.prospectivity;
      if (layer && deposits.length) {
        const sameCrs = layer.crs && layer.crs === crs;
        const eastings = extent(deposits.map((d) => d.easting));
        const northings = extent(deposits.map((d) => d.northing));
        const inside = overlaps(eastings, extent(layer.easting)) && overlaps(northings, extent(layer.northing));
        if (sameCrs || (!layer.crs && inside)) {
          traces.push({
            type: "heatmap", x: layer.easting, y: layer.northing, z: layer.probability,
            colorscale: "Viridis", name: `prospectivity (${layer.name})`, showlegend: true,
            colorbar: { title: { text: "probability" }, len: 0.6 }, hovertemplate: "%{z:.3f}<extra>prospectivity</extra>",
          });
          if (layer.threshold !== null && layer.threshold !== undefined) {
            traces.push({
              type: "contour", x: layer.easting, y: layer.northing, z: layer.probability, name: "permissive tract",
              showlegend: true, showscale: false, hoverinfo: "skip",
              contours: { start: layer.threshold, end: layer.threshold, size: 1, coloring: "none" },
              line: { color: "#ffffff", width: 2 },
            });
          }
          if (layer.targets.length) {
            traces.push({
              type: "scatter", mode: "markers", name: "targets", meta: "targets",
              x: layer.targets.map((t) => t.centroid_easting), y: layer.targets.map((t) => t.centroid_northing),
              text: layer.targets.map((t) => `target ${t.rank}: ${Number(t.area_km2).toFixed(0)} km², mean p ${Number(t.mean_probability).toFixed(3)}`),
              marker: { symbol: "star", size: 14, color: "#ff7f0e", line: { color: "#000", width: 1 } },
              hovertemplate: "%{text}<extra></extra>",
            });
          }
        }
      }
      const largest = Math.max(1, ...deposits.map((d) => d.metal_t || 0));
      let drawn = 0;
      for (const [value, rows] of groupBy(deposits, colour.value)) {
        drawn += rows.length;
        traces.push({
          type: "scatter", mode: "markers", name: value, meta: "deposits",
          x: rows.map((d) => d.easting), y: rows.map((d) => d.northing),
          customdata: rows.map((d) => d.id),
          text: rows.map((d) => `${d.name} (${d.id})<br>${d.status || "status not given"}<br>` +
            (d.metal_t ? `${Math.round(d.metal_t).toLocaleString()} t Cu identified` : "no statement")),
          marker: {
            size: rows.map((d) => 7 + 33 * Math.sqrt((d.metal_t || 0) / largest)),
            line: { color: "#222", width: 0.5 }, opacity: 0.85,
          },
          hovertemplate: "%{text}<extra></extra>",
        });
      }
      const layout = {
        margin: { t: 20, r: 20, b: 50, l: 70 },
        xaxis: { title: { text: `easting (${crs || "coordinates"})` } },
        yaxis: { title: { text: "northing" }, scaleanchor: "x" },
        legend: { orientation: "h", y: -0.15 },
      };
      if (data.basemap) {
        const [west, south, east, north] = data.basemap.bounds;
        layout.images = [{ source: data.basemap.url, xref: "x", yref: "y", x: west, y: north,
          sizex: east - west, sizey: north - south, sizing: "stretch", layer: "below" }];
      }
      Plotly.react(el, traces, layout, config).then(() => ready(el, drawn));
    };
    if (!data.deposits.length) {
      noData(el, "No deposit in the database has coordinates.");
      return;
    }
    colour.addEventListener("change", render);
    crsSelect.addEventListener("change", render);
    render();
    el.on("plotly_click", (event) => {
      const point = event.points[0];
      if (point && point.data.meta === "deposits") {
        window.location.href = `/deposits/${encodeURIComponent(point.customdata)}`;
      }
    });
  }

  // ---------------------------------------------------------------- roll-ups
  async function drawRollup(el) {
    const rows = (await getJSON(el.dataset.src)).rows.filter((r) => r.group !== "total");
    if (!rows.length) { noData(el, "Nothing is counted on this basis."); return; }
    await Plotly.newPlot(el, [{
      type: "bar", x: rows.map((r) => r.group), y: rows.map((r) => r.metal_t), name: "Cu (t)",
      hovertemplate: "%{x}: %{y:,.0f} t<extra></extra>",
    }], { margin: { t: 20 }, yaxis: { title: { text: "contained Cu (t)" } } }, config);
    ready(el, rows.length);
  }

  async function drawMcKelvey(el) {
    const rows = (await getJSON(el.dataset.src)).rows.filter((r) => r.group !== "total");
    if (!rows.length) { noData(el, "No identified or undiscovered copper to show."); return; }
    const x = rows.map((r) => r.group);
    const traces = ["measured_t", "indicated_t", "inferred_t"].filter((c) => c in rows[0]).map((c) => ({
      type: "bar", x, y: rows.map((r) => r[c] || 0), name: c.replace("_t", ""), offsetgroup: "identified",
    }));
    if ("undiscovered_mean_t" in rows[0]) {
      traces.push({
        type: "bar", x, y: rows.map((r) => r.undiscovered_mean_t || 0), name: "undiscovered (mean, q10–q90)",
        offsetgroup: "undiscovered",
        error_y: {
          type: "data", symmetric: false,
          array: rows.map((r) => (r.undiscovered_q90_t || 0) - (r.undiscovered_mean_t || 0)),
          arrayminus: rows.map((r) => (r.undiscovered_mean_t || 0) - (r.undiscovered_q10_t || 0)),
        },
      });
    }
    await Plotly.newPlot(el, traces, { barmode: "stack", margin: { t: 20 }, yaxis: { title: { text: "Cu (t)" } } }, config);
    ready(el, rows.length);
  }

  // ---------------------------------------------------------------- runs
  async function drawTrials(el) {
    const rows = (await getJSON(el.dataset.src)).rows;
    const columns = rows.length ? Object.keys(rows[0]).filter((c) => c.endsWith("_t")) : [];
    if (!columns.length) { noData(el, "This run's trials were not stored."); return; }
    const traces = columns.map((c) => ({
      type: "histogram", x: rows.map((r) => r[c]), name: c, opacity: 0.75, nbinsx: 60,
      hovertemplate: "%{x}: %{y} trials<extra></extra>",
    }));
    await Plotly.newPlot(el, traces, {
      margin: { t: 20 }, barmode: "overlay",
      xaxis: { title: { text: "simulated total (t)" } }, yaxis: { title: { text: "trials" } },
    }, config);
    ready(el, rows.length);
  }

  async function drawGradeTonnage(el) {
    let rows = (await getJSON(el.dataset.src)).rows;
    if (!rows.length) { noData(el, "No grade-tonnage table."); return; }
    const shells = "revenue_factor" in rows[0];
    if (!shells && "class" in rows[0]) rows = rows.filter((r) => r.class === "all");
    const x = rows.map((r) => (shells ? r.revenue_factor : r.cutoff));
    const traces = [
      { type: "scatter", mode: "lines+markers", x, y: rows.map((r) => (shells ? r.ore_t : r.tonnes)), name: "ore (t)" },
      { type: "scatter", mode: "lines+markers", x, y: rows.map((r) => r.grade), name: "grade", yaxis: "y2" },
    ];
    await Plotly.newPlot(el, traces, {
      margin: { t: 20 },
      xaxis: { title: { text: shells ? "revenue factor" : "cut-off grade" } },
      yaxis: { title: { text: "ore (t)" } },
      yaxis2: { title: { text: "grade" }, overlaying: "y", side: "right" },
    }, config);
    ready(el, rows.length);
  }

  const charts = { map: drawMap, rollup: drawRollup, mckelvey: drawMcKelvey, trials: drawTrials, "grade-tonnage": drawGradeTonnage };

  document.addEventListener("DOMContentLoaded", () => {
    for (const el of document.querySelectorAll("[data-chart]")) {
      const draw = charts[el.dataset.chart];
      if (!draw) continue;
      draw(el).catch((error) => {
        el.classList.add("empty");
        el.textContent = `Could not draw this chart: ${error.message}`;
        el.dataset.error = error.message;
      });
    }
  });
})();
