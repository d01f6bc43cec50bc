// Package e2e drives the dashboard in a real headless Chromium through
// Playwright, against the real petstore binary started on a free port with
// a database in the test's temp directory.
//
// It needs Debian's chromium and the Playwright driver (playwright-core
// 1.64.1 beside the system node); `make e2e-deps` installs both. The
// driver directory is $PLAYWRIGHT_DRIVER_PATH (default
// ~/.cache/petstore/playwright-1.64.1) and the browser $CHROMIUM (default
// /usr/bin/chromium). Screenshots go to web/e2e/screenshots/.
package e2e
