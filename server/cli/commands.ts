// Commands that live with their features register here, so index.ts stays free of feature imports.
export {};
