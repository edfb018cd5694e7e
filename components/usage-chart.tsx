'use client';

export interface DayUsage {
  day: string;
  inputTokens: number;
  outputTokens: number;
  costMicros: number;
}

const width = 720;
const height = 220;
const padding = { top: 16, right: 56, bottom: 28, left: 56 };

/** Tokens per day as stacked bars (input under output) and cost as a line on its own axis. */
export function UsageChart({ days }: { days: DayUsage[] }) {
  if (days.length === 0) return <p className="empty">No usage in this period yet.</p>;
  const plotWidth = width - padding.left - padding.right;
  const plotHeight = height - padding.top - padding.bottom;
  const maxTokens = Math.max(1, ...days.map((day) => day.inputTokens + day.outputTokens));
  const maxCost = Math.max(1, ...days.map((day) => day.costMicros));
  const slot = plotWidth / days.length;
  const barWidth = Math.max(2, slot * 0.6);
  const y = (tokens: number) => padding.top + plotHeight - (tokens / maxTokens) * plotHeight;
  const yCost = (micros: number) => padding.top + plotHeight - (micros / maxCost) * plotHeight;
  const x = (index: number) => padding.left + slot * index + slot / 2;
  const costPath = days.map((day, index) => `${index === 0 ? 'M' : 'L'}${x(index).toFixed(1)},${yCost(day.costMicros).toFixed(1)}`).join(' ');

  return (
    <svg className="usage-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label="Tokens and cost per day">
      <text x={padding.left} y={12} className="axis">
        {maxTokens.toLocaleString()} tokens
      </text>
      <text x={width - padding.right} y={12} className="axis" textAnchor="end">
        ${(maxCost / 1e6).toFixed(4)}
      </text>
      {days.map((day, index) => (
        <g key={day.day}>
          <rect x={x(index) - barWidth / 2} y={y(day.inputTokens)} width={barWidth} height={padding.top + plotHeight - y(day.inputTokens)} className="bar-input" />
          <rect x={x(index) - barWidth / 2} y={y(day.inputTokens + day.outputTokens)} width={barWidth} height={y(day.inputTokens) - y(day.inputTokens + day.outputTokens)} className="bar-output" />
          <text x={x(index)} y={height - 8} className="axis" textAnchor="middle">
            {day.day.slice(5)}
          </text>
        </g>
      ))}
      <path d={costPath} className="cost-line" />
    </svg>
  );
}
