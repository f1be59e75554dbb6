'use client';

import { useState, type DragEvent, type ReactNode } from 'react';
import { droppedOf, hasFiles } from './uploads';
import { UploadNotice, useUploads } from './Uploads.client';
import type { WorkspaceWords } from './words';

/**
 * Files dropped onto the terminal go into the home folder of the node it shows. The terminal stays what
 * it is; while files are dragged over it, it says where they will go.
 */
export function TerminalDrop({ t, node, hidden, onUploaded, children }: { t: WorkspaceWords; node: number; hidden: boolean; onUploaded: () => void; children: ReactNode }) {
  const uploads = useUploads(node, onUploaded);
  const [over, setOver] = useState(false);
  const accept = (event: DragEvent) => {
    if (!hasFiles(event.dataTransfer)) return false;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    return true;
  };
  return (
    <div
      data-testid="terminal-drop"
      className={`relative min-h-0 flex-1 flex-col ${hidden ? 'hidden' : 'flex'}`}
      onDragOver={(event) => accept(event) && setOver(true)}
      onDragLeave={(event) => !event.currentTarget.contains(event.relatedTarget as Node | null) && setOver(false)}
      onDrop={(event) => {
        if (!accept(event)) return;
        setOver(false);
        void uploads.start(droppedOf(event.dataTransfer), '');
      }}
    >
      {children}
      {over && (
        <div className="pointer-events-none absolute inset-0 flex items-center justify-center border-2 border-dashed border-sky-400 bg-[#020617]/85 text-sm font-medium text-sky-200">
          {t.uploads.dropOnTerminal}
        </div>
      )}
      <UploadNotice t={t} state={uploads.state} onDismiss={uploads.dismiss} alwaysDark />
    </div>
  );
}
