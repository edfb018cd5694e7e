/** Minimal SVG charts for the benchmark report: grouped bars and lines, no dependencies. */

/** A value a chart can draw: not measured, or NaN from an empty sample, draws nothing. */
const drawable = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

const palette = ['#6b7280', '#f59e0b', '#2563eb', '#059669'];
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export interface BarGroup {
  label: string;
  /** One value per series; null draws nothing (not supported by that system). */
  values: Array<number | null>;
}

function frame(title: string, unit: string, width: number, height: number, body: string, legend: string[]): string {
  const legendItems = legend
    .map((name, index) => {
      const x = 60 + (index % 2) * 340;
      const y = height - 44 + Math.floor(index / 2) * 18;
      return `<rect x="${x}" y="${y}" width="12" height="12" fill="${palette[index % palette.length]}"/><text x="${x + 16}" y="${y + 10}" font-size="12">${escapeXml(name)}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="22" font-size="15" font-weight="600">${escapeXml(title)}</text>
<text x="12" y="40" font-size="12" fill="#555">${escapeXml(unit)}</text>
${body}${legendItems}
</svg>
`;
}

export function barChart(title: string, unit: string, series: string[], groups: BarGroup[]): string {
  const width = 760;
  const height = 360;
  const plot = { left: 60, top: 56, width: width - 80, height: height - 140 };
  const max = Math.max(1, ...groups.flatMap((group) => group.values.filter(drawable)));
  const groupWidth = plot.width / groups.length;
  const barWidth = Math.min(40, (groupWidth - 20) / series.length);
  let body = `<line x1="${plot.left}" y1="${plot.top + plot.height}" x2="${plot.left + plot.width}" y2="${plot.top + plot.height}" stroke="#999"/>`;
  groups.forEach((group, groupIndex) => {
    const x0 = plot.left + groupIndex * groupWidth + (groupWidth - barWidth * series.length) / 2;
    group.values.forEach((value, seriesIndex) => {
      if (!drawable(value)) return;
      const barHeight = (value / max) * plot.height;
      const x = x0 + seriesIndex * barWidth;
      const y = plot.top + plot.height - barHeight;
      body += `<rect x="${x}" y="${y}" width="${barWidth - 4}" height="${barHeight}" fill="${palette[seriesIndex % palette.length]}"/>`;
      body += `<text x="${x + (barWidth - 4) / 2}" y="${y - 4}" font-size="10" text-anchor="middle">${value >= 100 ? Math.round(value) : value.toFixed(1)}</text>`;
    });
    body += `<text x="${plot.left + groupIndex * groupWidth + groupWidth / 2}" y="${plot.top + plot.height + 18}" font-size="12" text-anchor="middle">${escapeXml(group.label)}</text>`;
  });
  return frame(title, unit, width, height, body, series);
}

export function lineChart(title: string, unit: string, xs: number[], series: Array<{ name: string; values: Array<number | null> }>): string {
  const width = 760;
  const height = 360;
  const plot = { left: 60, top: 56, width: width - 90, height: height - 140 };
  const max = Math.max(1, ...series.flatMap((line) => line.values.filter(drawable)));
  const xAt = (index: number) => plot.left + (xs.length === 1 ? plot.width / 2 : (index / (xs.length - 1)) * plot.width);
  const yAt = (value: number) => plot.top + plot.height - (value / max) * plot.height;
  let body = `<line x1="${plot.left}" y1="${plot.top + plot.height}" x2="${plot.left + plot.width}" y2="${plot.top + plot.height}" stroke="#999"/>`;
  body += `<text x="${plot.left - 6}" y="${plot.top + 4}" font-size="10" text-anchor="end">${Math.round(max)}</text>`;
  for (const [index, x] of xs.entries()) body += `<text x="${xAt(index)}" y="${plot.top + plot.height + 18}" font-size="12" text-anchor="middle">${x}</text>`;
  series.forEach((line, seriesIndex) => {
    const points = line.values.flatMap((value, index) => (drawable(value) ? [`${xAt(index)},${yAt(value)}`] : []));
    const color = palette[seriesIndex % palette.length];
    body += `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`;
    for (const point of points) body += `<circle cx="${point.split(',')[0]}" cy="${point.split(',')[1]}" r="3" fill="${color}"/>`;
  });
  return frame(
    title,
    unit,
    width,
    height,
    body,
    series.map((line) => line.name),
  );
}
