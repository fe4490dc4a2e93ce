// DOM helpers. Text goes in through textContent only: no innerHTML anywhere
// in the client, so that peer-supplied text can never become markup.

// el('div', { className, text, attrs: {...}, on: { click: fn } }, children)
export function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.testid) node.dataset.testid = options.testid;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [event, handler] of Object.entries(options.on ?? {})) {
    node.addEventListener(event, handler);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function clear(node) {
  node.replaceChildren();
}

export function show(node, visible) {
  node.hidden = !visible;
}

// A modal <dialog> added to the page; `close()` removes it. Escape closes it
// too (the browser's cancel event), then `onClose` runs.
export function openDialog({ testid, className = '', label = '', onClose = null }, children) {
  const dialog = el('dialog', {
    className: `dialog ${className}`.trim(), testid, attrs: { 'aria-label': label || null },
  }, children);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    onClose?.();
  };
  dialog.addEventListener('close', close);
  document.body.append(dialog);
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  return { dialog, close };
}
