/**
 * The {@code umbra} command line (picocli): one class per subcommand. Runs on the main thread;
 * errors become one line on stderr and an exit code (2 usage, 1 failure).
 */
package dev.umbra.shadow.cli;
