/** Hands a text file to the browser's download (saving a node or a class). */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name with the date and time: `<what>-2025-03-11-1405.<ext>`. */
export function stampedName(what: string, ext: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${what}-${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}.${ext}`;
}
