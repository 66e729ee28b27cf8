/** Placeholder shell until the browser node lands: names the product and what is coming. */
export function App() {
  return (
    <main>
      <h1>tabchain</h1>
      <p>Every browser tab is a full Bitcoin-format node.</p>
    </main>
  );
}
