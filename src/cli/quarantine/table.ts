/** Lays rows out as left-aligned columns two spaces apart, the first row being the header; no trailing blanks. */
export function formatTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, oneLine(cell).length)));
  return rows.map((row) =>
    row
      .map((cell, i) => oneLine(cell).padEnd(i === row.length - 1 ? 0 : widths[i]))
      .join("  ")
      .trimEnd(),
  );
}

/** A reason with a newline would break the table; it is shown on one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
