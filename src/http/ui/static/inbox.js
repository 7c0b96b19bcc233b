/* global document, window, HTMLElement, HTMLInputElement, HTMLTextAreaElement, HTMLSelectElement */
// Keyboard triage in the alerts inbox: j/k move the focus between rows, c confirms, d dismisses, o opens the row's
// alert. Progressive enhancement only: every row's forms and links work without this file.
(() => {
  const table = document.querySelector('table.inbox');
  if (!table) return;
  const rows = () => Array.from(table.querySelectorAll('tbody > tr.inbox-row'));
  const hint = document.querySelector('p.keys');
  if (hint) hint.hidden = false;

  // Typing in a field (the filters, a note) or pressing a modifier is never a triage key.
  const typing = (el) => el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable);
  const current = () => rows().find((r) => r.contains(document.activeElement));

  const focusRow = (row) => {
    if (!row) return;
    row.focus();
    row.scrollIntoView({ block: 'nearest' });
  };

  // The row's own triage (the group's "all" form for a group row), never a single member's inside its details.
  const press = (row, state) => {
    const button = row?.querySelector(`td.row-triage button[name="state"][value="${state}"]`);
    if (button) button.click();
  };

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const all = rows();
    if (all.length === 0) return;
    const row = current();
    const at = row ? all.indexOf(row) : -1;
    switch (event.key) {
      case 'j':
        focusRow(all[Math.min(at + 1, all.length - 1)]);
        break;
      case 'k':
        focusRow(all[at <= 0 ? 0 : at - 1]);
        break;
      case 'c':
        press(row, 'confirmed');
        break;
      case 'd':
        press(row, 'dismissed');
        break;
      case 'o':
        if (row?.dataset.open) window.location.assign(row.dataset.open);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // After a triage the inbox comes back with ?triaged=…: put the focus back where the reviewer was, so j/c/d go on.
  const triaged = new URL(window.location.href).searchParams.get('triaged');
  if (triaged !== null) focusRow(rows()[0]);
})();
