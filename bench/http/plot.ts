/** A small dependency-free SVG of latency over the run, one dot per request. */
export function latencySvg(
  title: string,
  series: { name: string; color: string; points: [number, number][] }[],
): string {
  const width = 900;
  const height = 360;
  const pad = { left: 60, right: 20, top: 30, bottom: 40 };
  const all = series.flatMap((s) => s.points);
  const maxX = Math.max(1, ...all.map(([x]) => x));
  const sortedY = all.map(([, y]) => y).sort((a, b) => a - b);
  const maxY = Math.max(1, sortedY[Math.floor(sortedY.length * 0.999)] ?? 1);
  const sx = (x: number): number => pad.left + (x / maxX) * (width - pad.left - pad.right);
  const sy = (y: number): number =>
    height - pad.bottom - (Math.min(y, maxY) / maxY) * (height - pad.top - pad.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxY);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="black"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="black"/>`,
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle">time since start (ms, up to ${maxX})</text>`,
    `<text x="14" y="${height / 2}" transform="rotate(-90 14 ${height / 2})" text-anchor="middle">latency (ms)</text>`,
  ];
  for (const t of ticks) {
    parts.push(`<text x="${pad.left - 6}" y="${sy(t) + 4}" text-anchor="end">${t.toFixed(1)}</text>`);
    parts.push(
      `<line x1="${pad.left}" y1="${sy(t)}" x2="${width - pad.right}" y2="${sy(t)}" stroke="#ddd"/>`,
    );
  }
  series.forEach((s, i) => {
    for (const [x, y] of s.points) {
      parts.push(
        `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="1.5" fill="${s.color}" fill-opacity="0.5"/>`,
      );
    }
    parts.push(
      `<text x="${width - pad.right - 200}" y="${pad.top + 14 * (i + 1)}" fill="${s.color}">● ${s.name}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
