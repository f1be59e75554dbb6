/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Lessons are compiled ahead of time into .content (scripts/build-content.ts); nothing bundles MDX at runtime.
  outputFileTracingIncludes: { '/**': ['./.content/**'] },
};

export default nextConfig;
