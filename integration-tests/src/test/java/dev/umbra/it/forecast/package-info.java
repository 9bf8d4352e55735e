/** Integration tests of live forecasting: models learned on one run serving the next. */
package dev.umbra.it.forecast;
