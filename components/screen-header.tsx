import type { ReactNode } from 'react';

/** The header of the account screens (usage, runs): brand, title, a short summary, a link across. */
export function ScreenHeader({ title, summary, link }: { title: string; summary: ReactNode; link: { href: string; label: string } }) {
  return (
    <header className="usage-header">
      <a className="brand" href="/">
        Durable Chat
      </a>
      <h1>{title}</h1>
      <span className="muted">{summary}</span>
      <a className="header-link" href={link.href}>
        {link.label}
      </a>
    </header>
  );
}
