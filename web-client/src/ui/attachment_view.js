// Files in a conversation (docs/protocol.md §10): the attach button and its
// file input, the upload progress line, and a shared file inside a message —
// an image shown inline from a decrypted blob, any other file as a download
// link with its name and size. Peer-supplied names go to the page through
// textContent and attributes only. Object URLs live in an AttachmentUrls
// cache per conversation view and are revoked when the view changes.
import { isInlineImage, safeFileName } from '../crypto/file.js';
import { language, t } from '../i18n/index.js';
import { el } from './dom.js';

// "1.2 MB" / "1,2 Mo".
export function formatSize(bytes) {
  const fr = language() === 'fr';
  const units = fr ? ['o', 'ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const number = new Intl.NumberFormat(language(), { maximumFractionDigits: unit === 0 ? 0 : 1 })
    .format(value);
  return `${number} ${units[unit]}`;
}

// Object URLs of decrypted files shown by one view.
export class AttachmentUrls {
  constructor() {
    this.urls = new Map();  // file id -> object URL
  }

  urlFor(id, bytes, mime) {
    if (!this.urls.has(id)) this.urls.set(id, URL.createObjectURL(new Blob([bytes], { type: mime })));
    return this.urls.get(id);
  }

  revokeAll() {
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }
}

// The text explaining why a file could not be sent.
export function uploadErrorText(error) {
  if (error?.code === 'file_too_large') {
    return error.maxBytes ? t('file.too_large_max', { max: formatSize(error.maxBytes) }) : t('file.too_large');
  }
  if (error?.code === 'file_quota') return t('file.quota');
  if (error?.code === 'file_busy') return t('file.busy');
  return null;
}

// A hidden file input and the button that opens it; `onFiles(File[])`.
export function attachControls(onFiles) {
  const input = el('input', {
    className: 'attach-input', testid: 'attach-input',
    attrs: { type: 'file', multiple: true, hidden: true, 'aria-label': t('file.attach') },
    on: {
      change: () => {
        const files = [...input.files];
        input.value = '';
        if (files.length > 0) onFiles(files);
      },
    },
  });
  const button = el('button', {
    className: 'attach', testid: 'attach-button', text: '📎',
    attrs: { type: 'button', title: t('file.attach'), 'aria-label': t('file.attach') },
    on: { click: () => input.click() },
  });
  return { input, button };
}

// The body of a file message: the image (loaded and decrypted on demand) or
// a download link, then the caption.
export function fileMessageBody(session, convId, message, urls) {
  const { file } = message;
  const caption = message.text
    ? el('p', { className: 'text', testid: 'message-text', text: message.text }) : null;
  const label = `${file.name} (${formatSize(file.size)})`;
  if (isInlineImage(file.mime)) {
    const status = el('span', { className: 'file-status muted', testid: 'attachment-status', text: t('file.loading') });
    const image = el('img', {
      className: 'attachment-image', testid: 'attachment-image',
      attrs: { alt: file.name, title: label, 'data-file': file.id, hidden: true },
    });
    const show = (bytes) => {
      image.src = urls.urlFor(file.id, bytes, file.mime);
      image.hidden = false;
      status.remove();
    };
    const cached = session.files.cache.get(file.id);
    if (cached) show(cached);
    else {
      session.files.fetch(convId, file).then(show, () => {
        status.textContent = t('file.damaged');
        status.dataset.state = 'failed';
      });
    }
    return el('figure', { className: 'attachment', testid: 'message-file', attrs: { 'data-kind': 'image', 'data-file': file.id } }, [
      image, status, caption,
    ]);
  }
  const status = el('span', { className: 'file-status muted', testid: 'attachment-status' });
  const link = el('a', {
    className: 'attachment-download', testid: 'attachment-download', text: `⬇ ${file.name}`,
    attrs: { href: '#', download: safeFileName(file.name), title: label, 'data-file': file.id },
    on: {
      click: async (event) => {
        if (link.dataset.ready === 'true') return;  // the blob URL is in place
        event.preventDefault();
        status.textContent = t('file.loading');
        try {
          const bytes = await session.files.fetch(convId, file);
          // Saved as plain bytes: the browser never renders a peer's type.
          link.href = urls.urlFor(file.id, bytes, 'application/octet-stream');
          link.dataset.ready = 'true';
          status.textContent = '';
          link.click();
        } catch {
          status.textContent = t('file.damaged');
          status.dataset.state = 'failed';
        }
      },
    },
  });
  return el('div', { className: 'attachment', testid: 'message-file', attrs: { 'data-kind': 'file', 'data-file': file.id } }, [
    link, el('span', { className: 'file-size muted', testid: 'attachment-size', text: formatSize(file.size) }), status, caption,
  ]);
}
