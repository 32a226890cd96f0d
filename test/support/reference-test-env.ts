import { join } from 'node:path';
import { labCacheRoot } from '../../harness/runtimes/locate.js';

/**
 * The settings the reference services' own tests run with: those their build.sh builds with, so
 * the tests reuse the compiled packages that `npm run build:references` left in Go's and cargo's
 * caches (scripts/build-references.mjs compiles the tests with the same settings). With one flag
 * apart, Go compiles SQLite's C again for go-lru's tests. Never fetch another toolchain, never
 * touch go.mod.
 */
const GO_FLAGS = '-mod=readonly -modcacherw -buildvcs=false -trimpath';

/** go-lru: cgo, for SQLite (references/go-lru/build.sh). */
export const GO_LRU_TEST_ENV = { GOTOOLCHAIN: 'local', GOFLAGS: GO_FLAGS, CGO_ENABLED: '1' };

/** The load driver: no cgo (references/load-driver/build.sh). */
export const LOAD_DRIVER_TEST_ENV = { GOTOOLCHAIN: 'local', GOFLAGS: GO_FLAGS, CGO_ENABLED: '0' };

/** rust-btree: the lab's cargo target dir (references/rust-btree/build.sh). */
export const RUST_BTREE_TEST_ENV = { CARGO_TARGET_DIR: join(labCacheRoot(), 'rust-target') };
