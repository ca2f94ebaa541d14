import type { CodegenConfig } from '@graphql-codegen/cli';

// Types come from the server's schema files, never from a running server,
// so codegen works offline and its output is committed.
const config: CodegenConfig = {
  schema: '../graph/*.graphqls',
  documents: ['src/**/*.{ts,tsx}', '!src/**/*.test.{ts,tsx}', '!src/lib/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    'src/lib/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: { unmaskFunctionName: 'getFragmentData' },
      },
      config: {
        // Timestamp inputs take epoch milliseconds or ISO 8601 strings.
        scalars: { Time: 'string', ID: 'string', Timestamp: 'string | number' },
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: false,
      },
    },
  },
};

export default config;
