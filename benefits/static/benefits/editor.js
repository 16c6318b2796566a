// The valuation helper's "use this value" button: put the computed annual cost per FTE into
// the lever's input (one value for every scenario) and recalculate like after typing.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-fill-target]");
  if (!button) return;
  const input = document.getElementById(button.dataset.fillTarget);
  if (!input) return;
  const split = document.getElementById(button.dataset.unsplit || "");
  if (split && split.checked) split.checked = false;
  input.value = button.dataset.fillValue;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.focus();
});
