const maxLength = 80;

function shortValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
  return '{…}';
}

/** One line for a tool's input or output: its fields as `name: value`, cut at 80 characters. */
export function summarize(value: unknown): string {
  const line =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.entries(value)
          .map(([key, field]) => `${key}: ${shortValue(field)}`)
          .join(', ')
      : shortValue(value);
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}
