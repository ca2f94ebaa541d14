/** The Scalefield logo: stacked layers, for Bronze, Silver and Gold data. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#1e293b" />
      <path
        d="M8 20.5 16 25l8-4.5M8 15.5 16 20l8-4.5M16 7l8 4.5-8 4.5-8-4.5z"
        fill="none"
        stroke="#5eead4"
        strokeWidth="2"
        strokeLinejoin="round"
      />
    </svg>
  );
}
