// Inline icons: no emoji font or icon package needed, and they follow the text colour.
const base = { width: 18, height: 18, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round', 'aria-hidden': true } as const;

export const MoonIcon = () => (
  <svg {...base}>
    <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />
  </svg>
);

export const SunIcon = () => (
  <svg {...base}>
    <circle cx="12" cy="12" r="4" />
    <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
  </svg>
);

/** Stacked containers: the course's mark. */
export const LogoIcon = () => (
  <svg {...base} width={24} height={24} className="text-sky-600 dark:text-sky-400">
    <rect x="3" y="12" width="6" height="5" />
    <rect x="9" y="12" width="6" height="5" />
    <rect x="15" y="12" width="6" height="5" />
    <rect x="6" y="7" width="6" height="5" />
    <rect x="12" y="7" width="6" height="5" />
    <path d="M2 19c3 2 17 2 20 0" />
  </svg>
);

export const ClockIcon = () => (
  <svg {...base} width={14} height={14} className="inline align-[-2px]">
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7v5l3 2" />
  </svg>
);
