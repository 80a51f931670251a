import { routeTemplateOf } from './http-metrics.middleware';

describe('routeTemplateOf', () => {
  it('uses the matched route template, never the raw path', () => {
    expect(routeTemplateOf({ baseUrl: '', route: { path: '/api/v1/children/:id' } }, 200)).toBe('/api/v1/children/:id');
    expect(routeTemplateOf({ baseUrl: '', route: { path: '/api/v1/children/:id' } }, 404)).toBe('/api/v1/children/:id');
    expect(routeTemplateOf({ baseUrl: '/api', route: { path: '/x/:id' } }, 401)).toBe('/api/x/:id');
    expect(routeTemplateOf({ baseUrl: '', route: { path: '/pages/*path' } }, 200)).toBe('/pages/*path');
  });

  it('labels requests that matched no route as unmatched', () => {
    expect(routeTemplateOf({ baseUrl: '' }, 404)).toBe('unmatched');
    expect(routeTemplateOf({ baseUrl: '', route: { path: /regex/ } }, 200)).toBe('unmatched');
    // Nest's not-found handler under the global prefix
    expect(routeTemplateOf({ baseUrl: '/api/v1', route: { path: '*path' } }, 404)).toBe('unmatched');
  });
});
