// orplan workbench: the surgeon picker of the day view. Dims other surgeons' cases; the
// choice is kept in the address (?surgeon=) so day links and reloads keep it.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var pick = document.getElementById("surgeon-pick");
    var data = document.getElementById("case-surgeons");
    if (!pick || !data) { return; }
    var surgeonOf = JSON.parse(data.textContent);
    var count = document.getElementById("surgeon-count");

    function withSurgeon(href, who) {
      var url = new URL(href, window.location.href);
      if (who) { url.searchParams.set("surgeon", who); } else { url.searchParams.delete("surgeon"); }
      return url;
    }

    function apply() {
      var who = pick.value, shown = 0;
      document.querySelectorAll("#dayview g.case[data-case], #day-cases tr[data-case]").forEach(function (el) {
        var mine = !who || surgeonOf[el.getAttribute("data-case")] === who;
        el.classList.toggle("dimmed", !mine);
        if (mine && el.matches("svg.theatres g.case")) { shown += 1; }
      });
      count.textContent = who ? shown + " case(s) of " + pick.options[pick.selectedIndex].text : "";
      window.history.replaceState(null, "", withSurgeon(window.location.href, who));
      document.querySelectorAll("nav.days a").forEach(function (a) {
        a.setAttribute("href", withSurgeon(a.getAttribute("href"), who).search);
      });
    }

    var wanted = new URL(window.location.href).searchParams.get("surgeon");
    if (wanted && Array.prototype.some.call(pick.options, function (o) { return o.value === wanted; })) {
      pick.value = wanted;
    }
    pick.addEventListener("change", apply);
    apply();
  });
})();
