/**
 * The layers of lambdas/, as `npm run lint` holds them. Arrows point inwards only:
 *
 *   handlers ─▶ usecases ─▶ adapters ─▶ domain
 *       │           └──────────────────▶ domain
 *       └─▶ http, open311, openapi ─▶ domain (and adapters for their types)
 *
 * The domain is pure: it imports nothing of the project outside itself. Adapters speak the domain's language and
 * never HTTP's. Use cases know neither HTTP nor handlers. Only the local host reaches into lambdas/local.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle of imports means two modules are one concern, or a type lives in the wrong place.',
      from: { path: '^(lambdas|lib)/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain core imports only itself, npm packages and Node built-ins.',
      from: { path: '^lambdas/domain/' },
      to: { path: '^(lambdas/(?!domain/)|lib/|test/|bench/)' },
    },
    {
      name: 'adapters-below-http',
      severity: 'error',
      comment: 'Adapters throw domain errors and read domain schemas; HTTP is a layer above them.',
      from: { path: '^lambdas/adapters/' },
      to: { path: '^lambdas/(http|handlers|usecases|open311|openapi|local)/' },
    },
    {
      name: 'usecases-below-http',
      severity: 'error',
      comment: 'A use case is given plain values and narrow ports, never a request or a handler.',
      from: { path: '^lambdas/usecases/' },
      to: { path: '^lambdas/(http|handlers|open311|openapi|local)/' },
    },
    {
      name: 'http-below-handlers',
      severity: 'error',
      comment:
        'The HTTP layer (parsing, problems, views, the route table) serves handlers and never calls them.',
      from: { path: '^lambdas/(http|open311)/' },
      to: { path: '^lambdas/(handlers|usecases|openapi|local)/' },
    },
    {
      name: 'local-host-stays-local',
      severity: 'error',
      comment: 'What the stack deploys never imports the local host.',
      from: { path: '^(lambdas/(?!local/)|lib/)' },
      to: { path: '^lambdas/local/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // type-only imports count: a type circle is still a circle
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
