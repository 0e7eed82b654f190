/* The Service Record form's Make-up session list: choosing the session made up fills
   Group Size (and the number present) as that session had them; the provider can still
   change them. No inline script (CSP). */
(function () {
  "use strict";
  var list = document.getElementById("id_makeup_of");
  var grouping = document.getElementById("id_grouping");
  var count = document.getElementById("id_group_count");
  if (!list || !grouping) { return; }
  list.addEventListener("change", function () {
    var option = list.options[list.selectedIndex];
    if (!option || !option.dataset.grouping) { return; }
    grouping.value = option.dataset.grouping;
    if (count) { count.value = option.dataset.groupCount || ""; }
  });
}());
