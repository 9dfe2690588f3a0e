// orplan workbench: job progress polling and drag-and-drop moves. Shipped with orplan;
// the page loads nothing from the network.
(function () {
  "use strict";

  function pct(x) { return (100 * x).toFixed(2) + "%"; }
  function num(x) { return x === null || x === undefined ? "-" : Math.round(x).toLocaleString("en"); }

  function pollJob(box) {
    var id = box.getAttribute("data-job");
    var text = document.getElementById("job-text");
    function tick() {
      fetch("/jobs/" + id, {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (job) {
          var p = job.progress || {};
          text.textContent = job.kind + " (job " + job.id + "): " + job.status +
            (p.elapsed !== undefined ? " – " + p.elapsed.toFixed(1) + " s, cost " + num(p.objective) +
              ", bound " + num(p.bound) + ", gap " + (p.gap === null || p.gap === undefined ? "-" : pct(p.gap)) : "") +
            (job.message ? " – " + job.message : "");
          box.setAttribute("data-status", job.status);
          if (job.status === "queued" || job.status === "running") {
            setTimeout(tick, 400);
          } else {
            window.location.reload();
          }
        })
        .catch(function () { setTimeout(tick, 1000); });
    }
    tick();
  }

  function hhmm(m) {
    var h = Math.floor(m / 60), mm = m % 60;
    return (h < 10 ? "0" : "") + h + ":" + (mm < 10 ? "0" : "") + mm;
  }

  // Drag a case of the day view's theatre chart (the report's own SVG drawing) to another
  // time or theatre, or onto "take off the plan". Pointer events, so it works on SVG.
  function enableDrag(root, days) {
    var chart = days.querySelector("svg.tl.theatres");
    var data = document.getElementById("day-sessions");
    if (!chart || !data) { return; }
    var sessions = JSON.parse(data.textContent);
    var t0 = +chart.getAttribute("data-t0"), t1 = +chart.getAttribute("data-t1");
    var x0 = +chart.getAttribute("data-x0"), x1 = +chart.getAttribute("data-x1");
    var step = +root.getAttribute("data-step") || 5;
    var bin = document.getElementById("unschedule-drop");
    var drag = null;

    function svgX(ev) {  // the pointer's x in the chart's own units
      var pt = chart.createSVGPoint();
      pt.x = ev.clientX; pt.y = ev.clientY;
      return pt.matrixTransform(chart.getScreenCTM().inverse()).x;
    }
    function under(ev, selector) {
      var hits = document.elementsFromPoint(ev.clientX, ev.clientY);
      for (var i = 0; i < hits.length; i++) {
        if (hits[i].matches && hits[i].matches(selector)) { return hits[i]; }
      }
      return null;
    }
    function sessionAt(theatre, minute) {  // the theatre's session holding the minute, else the nearest
      var best = null, gap = Infinity;
      (sessions[theatre] || []).forEach(function (s) {
        var d = minute < s[1] ? s[1] - minute : minute >= s[2] ? minute - s[2] + 1 : 0;
        if (d < gap) { gap = d; best = s[0]; }
      });
      return best;
    }
    function post(caseId, session, start) {
      var form = new FormData();
      form.append("csrf", root.getAttribute("data-csrf"));
      form.append("case", caseId);
      form.append("session", session);
      form.append("start", start);
      form.append("day", root.getAttribute("data-day"));
      fetch("/drafts/" + root.getAttribute("data-draft") + "/move", {method: "POST", body: form})
        .then(function () { window.location.reload(); });
    }
    function mark(ev) {
      chart.querySelectorAll(".drop.over").forEach(function (r) { r.classList.remove("over"); });
      var row = under(ev, "svg.tl.theatres .drop");
      if (row) { row.classList.add("over"); }
      if (bin) { bin.classList.toggle("over", !!under(ev, "#unschedule-drop")); }
    }

    chart.querySelectorAll(".case[data-case]").forEach(function (bar) {
      bar.addEventListener("pointerdown", function (ev) {
        if (ev.button !== 0) { return; }
        ev.preventDefault();
        var rect = bar.querySelector("rect");
        drag = {bar: bar, from: svgX(ev), grab: svgX(ev) - +rect.getAttribute("x")};
        bar.classList.add("dragging");
      });
    });
    document.addEventListener("pointermove", function (ev) {
      if (!drag) { return; }
      drag.bar.setAttribute("transform", "translate(" + (svgX(ev) - drag.from) + ",0)");
      mark(ev);
    });
    document.addEventListener("pointerup", function (ev) {
      if (!drag) { return; }
      var bar = drag.bar, grab = drag.grab;
      drag = null;
      bar.classList.remove("dragging");
      bar.removeAttribute("transform");
      var caseId = bar.getAttribute("data-case");
      if (bin && under(ev, "#unschedule-drop")) { post(caseId, "", ""); return; }
      var row = under(ev, "svg.tl.theatres .drop");
      mark({clientX: -1, clientY: -1});
      if (!row) { return; }
      var minute = t0 + (svgX(ev) - grab - x0) / (x1 - x0) * (t1 - t0);
      minute = Math.max(0, Math.round(minute / step) * step);
      var session = sessionAt(row.getAttribute("data-theatre"), minute);
      if (session) { post(caseId, session, hhmm(minute)); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("job");
    if (box && (box.getAttribute("data-status") === "queued" || box.getAttribute("data-status") === "running")) {
      pollJob(box);
    }
    var root = document.getElementById("draft"), days = document.querySelector("#days.interactive");
    if (root && days) { enableDrag(root, days); }
  });
})();
