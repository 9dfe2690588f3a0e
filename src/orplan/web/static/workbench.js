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

  function enableDrag(root, view) {
    var t0 = +view.getAttribute("data-t0"), t1 = +view.getAttribute("data-t1");
    var step = +view.getAttribute("data-step") || 5;
    var grab = 0;  // where in the block it was grabbed (px), so the drop keeps the block's left edge
    view.querySelectorAll(".block").forEach(function (block) {
      block.addEventListener("dragstart", function (ev) {
        grab = ev.clientX - block.getBoundingClientRect().left;
        ev.dataTransfer.setData("text/plain", block.getAttribute("data-case"));
      });
    });
    view.querySelectorAll(".lane[data-session] .track").forEach(function (track) {
      track.addEventListener("dragover", function (ev) { ev.preventDefault(); });
      track.addEventListener("drop", function (ev) {
        ev.preventDefault();
        var box = track.getBoundingClientRect();
        var minute = t0 + (ev.clientX - grab - box.left) / box.width * (t1 - t0);
        minute = Math.max(0, Math.round(minute / step) * step);
        var form = new FormData();
        form.append("csrf", root.getAttribute("data-csrf"));
        form.append("case", ev.dataTransfer.getData("text/plain"));
        form.append("session", track.parentNode.getAttribute("data-session"));
        form.append("start", hhmm(minute));
        form.append("day", root.getAttribute("data-day"));
        fetch("/drafts/" + root.getAttribute("data-draft") + "/move", {method: "POST", body: form})
          .then(function () { window.location.reload(); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("job");
    if (box && (box.getAttribute("data-status") === "queued" || box.getAttribute("data-status") === "running")) {
      pollJob(box);
    }
    var root = document.getElementById("draft"), view = document.getElementById("dayview");
    if (root && view) { enableDrag(root, view); }
  });
})();
