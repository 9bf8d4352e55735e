/** {@code umbra serve --act}: the action policy acting on real anomalies of a real primary, with no supervisor. */
package dev.umbra.it.act;
