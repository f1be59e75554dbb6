import type { ReactNode } from 'react';
import { themeScript } from '@/components/ThemeToggle.client';
import '../globals.css';

/** Embedded lessons: no site header, and `data-embed` tells the page to carry its session itself. */
export default function EmbedLayout({ children }: { children: ReactNode }) {
  return (
    <html data-embed="1" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="bg-white text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">{children}</body>
    </html>
  );
}
