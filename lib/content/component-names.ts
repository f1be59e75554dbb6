/**
 * The JSX components lesson authors may use. Plain data so the content build can reject unknown
 * components without loading React; components/mdx/index.tsx must provide exactly these.
 */
export const mdxComponentNames = ['Note', 'Tip', 'Warning', 'StackDiagram', 'Check', 'Quiz', 'Question', 'Option'] as const;
export type MdxComponentName = (typeof mdxComponentNames)[number];
