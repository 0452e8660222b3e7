/**
 * QR codes of the enrollment URL: as inline SVG for the page and as text for the terminal.
 * Both are synchronous and built from the `qrcode` package's module matrix.
 */
import QRCode from 'qrcode';

/** Light modules around the symbol, as the QR specification asks (4). */
const QUIET_ZONE = 4;

function modules(text: string): { size: number; dark(row: number, col: number): boolean } {
  if (typeof text !== 'string' || text === '') throw new TypeError('qr: expected a non-empty string');
  const matrix = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const size = matrix.size;
  return {
    size,
    dark: (row, col) => row >= 0 && col >= 0 && row < size && col < size && matrix.get(row, col) === 1,
  };
}

/**
 * An SVG QR code of `text`, ready to inline in HTML (no script, no external references).
 *
 * Defaults: error correction M, a 4-module quiet zone, black on white, `title` = the text.
 *
 * @example
 * ```ts
 * const svg = qrSvg('http://192.168.1.20:8080/');   // '<svg xmlns=… role="img">…</svg>'
 * ```
 */
export function qrSvg(text: string, options: { title?: string } = {}): string {
  const { size, dark } = modules(text);
  const full = size + QUIET_ZONE * 2;
  let path = '';
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!dark(row, col)) { col++; continue; }
      const start = col;
      while (col < size && dark(row, col)) col++;
      path += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h-${col - start}z`;
    }
  }
  const title = escapeXml(options.title ?? text);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" role="img" aria-label="${title}" shape-rendering="crispEdges">` +
    `<title>${title}</title><rect width="${full}" height="${full}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`;
}

/** Options of {@link terminalQr}. */
export interface TerminalQrOptions {
  /**
   * Draw with ANSI colours (black modules on a white background), which scans on any terminal
   * theme. When false (for `NO_COLOR`), plain block characters are used and light modules are
   * drawn as filled blocks, which suits the usual light-on-dark terminal. Default: true.
   */
  color?: boolean;
}

/**
 * A QR code of `text` for a terminal, two module rows per text line (half blocks), with a quiet
 * zone. Lines end with `\n`.
 *
 * Defaults: `color: true`.
 *
 * @example
 * ```ts
 * process.stdout.write(terminalQr(url, { color: process.stdout.isTTY && !process.env.NO_COLOR }));
 * ```
 */
export function terminalQr(text: string, options: TerminalQrOptions = {}): string {
  const { size, dark } = modules(text);
  const color = options.color ?? true;
  const quiet = color ? 2 : QUIET_ZONE;
  // With colour we paint dark modules (foreground black on white); without, light modules
  // (foreground is the terminal's light text colour on its dark background).
  const ink = (row: number, col: number): boolean => (color ? dark(row, col) : !dark(row, col));
  const lines: string[] = [];
  for (let row = -quiet; row < size + quiet; row += 2) {
    let line = '';
    for (let col = -quiet; col < size + quiet; col++) {
      const top = ink(row, col);
      const bottom = row + 1 < size + quiet ? ink(row + 1, col) : !color;
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(color ? `\x1b[47m\x1b[30m${line}\x1b[0m` : line);
  }
  return lines.join('\n') + '\n';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
