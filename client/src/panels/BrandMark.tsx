/** The product mark: a framed grid with one cell lit. */
export function BrandMark() {
  return (
    <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
      <rect x="1" y="1" width="30" height="30" rx="7" fill="none" stroke="currentColor" strokeOpacity=".35" />
      <path d="M8 8h16v16H8z" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M16 8v16M8 16h16" stroke="currentColor" strokeWidth="1.3" opacity=".7" />
      <rect x="16" y="8" width="8" height="8" fill="currentColor" opacity=".85" />
    </svg>
  );
}
