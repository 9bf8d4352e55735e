/** The shadow's HTTP port: metrics, health and the dashboard; requests run on {@code umbra-http-*}. */
package dev.umbra.shadow.http;
