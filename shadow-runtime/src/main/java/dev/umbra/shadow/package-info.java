/**
 * The shadow process: {@link dev.umbra.shadow.Shadow} composes ingest, the series store, the
 * forecaster, the detector, the resource manager and the API from one configuration.
 */
package dev.umbra.shadow;
