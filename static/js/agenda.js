// After htmx replaces the agenda, keep keyboard focus on the control that was used, so
// moving a point several places does not send focus back to the top of the page.
document.body.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.target;
  if (!target || target.id !== "orden-del-dia") return;
  const next = document.querySelector("#orden-del-dia [data-autofocus]")
    || document.querySelector("#orden-del-dia .alert, #orden-del-dia .is-invalid");
  if (next) {
    if (!next.hasAttribute("tabindex") && next.classList.contains("alert")) next.setAttribute("tabindex", "-1");
    next.focus();
  }
});
