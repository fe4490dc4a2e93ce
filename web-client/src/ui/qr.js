// QR codes (qrcode-generator, bundled) drawn as SVG elements made with DOM
// APIs: no markup strings, nothing inline that the CSP would refuse.
import qrcode from 'qrcode-generator';

const SVG_NS = 'http://www.w3.org/2000/svg';
const QUIET_ZONE = 4;  // modules of white border, as the standard asks

// The dark/light modules of `text` (UTF-8, error correction M), row by row.
export function qrMatrix(text) {
  const code = qrcode(0, 'M');
  code.addData(unescape(encodeURIComponent(text)), 'Byte');
  code.make();
  const size = code.getModuleCount();
  const rows = [];
  for (let row = 0; row < size; row += 1) {
    const cells = [];
    for (let col = 0; col < size; col += 1) cells.push(code.isDark(row, col));
    rows.push(cells);
  }
  return rows;
}

// One <path> of unit squares per dark module, on a white background.
export function qrPath(matrix) {
  const parts = [];
  matrix.forEach((cells, row) => cells.forEach((dark, col) => {
    if (dark) parts.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
  }));
  return parts.join('');
}

// An <svg> element showing `text` as a QR code; `label` is its accessible name.
export function qrSvg(text, { label = '', testid = null } = {}) {
  const matrix = qrMatrix(text);
  const size = matrix.length + 2 * QUIET_ZONE;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('role', 'img');
  svg.setAttribute('shape-rendering', 'crispEdges');
  if (label) svg.setAttribute('aria-label', label);
  if (testid) svg.setAttribute('data-testid', testid);
  svg.setAttribute('data-modules', String(matrix.length));
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#ffffff');
  const modules = document.createElementNS(SVG_NS, 'path');
  modules.setAttribute('d', qrPath(matrix));
  modules.setAttribute('fill', '#000000');
  svg.append(background, modules);
  return svg;
}
