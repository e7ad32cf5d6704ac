/* Field operations maps (Leaflet, served from our own static files).

   Every element with ``data-hz-map`` becomes a map; ``data-mode`` says which:
   - "public": the pilgrim map. Service points from ``data-points-url`` coloured
     by status, approved camps from ``data-camps-url``, the walk from
     ``data-route-url``. The form ``#map-filters`` re-fetches the points without
     reloading the page; ``#nearest-form`` asks ``data-nearest-url`` for the
     nearest open points and the map flies to them.
   - "point": one point (``data-lat``, ``data-lon``, ``data-colour``).
   - "pick": a form's point; a click fills ``#id_latitude`` and ``#id_longitude``.

   The map itself sits in a left-to-right box (Leaflet's controls expect it);
   what it says (popups, lists) follows the page's language and direction.
   Text comes translated from the page (``#map-i18n``); nothing here is in a
   human language. Without a tile URL the map has no base layer: the route,
   points and camps still show. */
(function () {
  "use strict";

  var page = document.documentElement;
  var pageDir = page.getAttribute("dir") || "ltr";
  var pageLang = page.getAttribute("lang") || "";
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function readI18n(element) {
    var source = document.getElementById(element.getAttribute("data-i18n") || "map-i18n");
    if (!source) { return {text: {}, kinds: {}, services: {}, statuses: {}, languages: {}, colours: {}}; }
    return JSON.parse(source.textContent);
  }

  function digitsOf(i18n) {
    var digits = i18n.digits || "0123456789";
    return function (value) {
      return String(value).replace(/[0-9]/g, function (d) { return digits.charAt(Number(d)); });
    };
  }

  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key] === undefined || values[key] === null ? "" : values[key];
    });
  }

  /* A DOM element: attributes, then children (strings become text, never HTML). */
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value !== undefined && value !== null && value !== false) { node.setAttribute(name, value); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === "") { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* Popup and list text in the page's language and direction (the map box is LTR). */
  function pageBox(tag, className, children) {
    return el(tag, {"class": className, dir: pageDir, lang: pageLang}, children);
  }

  function baseMap(element) {
    var start = pageDir === "rtl" ? "right" : "left";
    var end = pageDir === "rtl" ? "left" : "right";
    var map = L.map(element, {zoomControl: false, attributionControl: false});
    L.control.zoom({position: "top" + start}).addTo(map);
    L.control.attribution({position: "bottom" + end}).addTo(map);
    var tiles = element.getAttribute("data-tile-url");
    if (tiles) {
      L.tileLayer(tiles, {
        attribution: element.getAttribute("data-tile-attribution") || "",
        maxZoom: 19
      }).addTo(map);
    } else {
      element.classList.add("hz-map-plain");
    }
    return map;
  }

  function move(map, bounds, options) {
    if (!bounds || !bounds.isValid()) { return; }
    var settings = Object.assign({padding: [30, 30], maxZoom: 15}, options || {});
    if (reducedMotion) { map.fitBounds(bounds, settings); } else { map.flyToBounds(bounds, settings); }
  }

  function fetchJson(url) {
    return fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"}).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    });
  }

  /* --- the route -------------------------------------------------------------------------- */

  function routeLayer(data, i18n, local) {
    return L.geoJSON(data, {
      // A style applies to every layer of the collection: only the line takes this one.
      style: function (feature) {
        return feature.geometry.type === "LineString" ?
          {color: "#0f5c4d", weight: 4, opacity: 0.7, className: "hz-route"} : {};
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 3, color: "#0f5c4d", weight: 1, fillColor: "#ffffff", fillOpacity: 1,
          className: "hz-pole"
        }).bindTooltip(format(i18n.text.pole, {pole: local(feature.properties.pole)}), {direction: "top"});
      }
    });
  }

  /* --- service points --------------------------------------------------------------------- */

  function pointPopup(properties, i18n, local) {
    var text = i18n.text;
    var status = properties.status;
    var lines = [
      el("strong", {"class": "d-block"}, [el("bdi", {}, [properties.name])]),
      el("div", {}, [
        i18n.kinds[properties.kind] || properties.kind, " ",
        el("span", {"class": "badge hz-status hz-status-" + status, "data-status": status}, [i18n.statuses[status] || status])
      ])
    ];
    if (properties.pole) { lines.push(el("div", {}, [format(text.pole, {pole: local(properties.pole)})])); }
    if (properties.border_crossing && i18n.crossings) {
      lines.push(el("div", {}, [i18n.crossings[properties.border_crossing] || ""]));
    }
    if (properties.services && properties.services.length) {
      lines.push(el("div", {}, [text.services + ": " + properties.services.map(function (code) {
        return i18n.services[code] || code;
      }).join(i18n.separator || ", ")]));
    }
    if (properties.languages && properties.languages.length) {
      lines.push(el("div", {}, [text.languages + ": " + properties.languages.map(function (code) {
        return i18n.languages[code] || code;
      }).join(i18n.separator || ", ")]));
    }
    if (properties.operator) { lines.push(el("div", {}, [text.operator + ": ", el("bdi", {}, [properties.operator])])); }
    if (properties.hours) { lines.push(el("div", {}, [text.hours + ": ", el("bdi", {}, [local(properties.hours)])])); }
    if (properties.capacity) { lines.push(el("div", {}, [format(text.capacity, {capacity: local(properties.capacity)})])); }
    if (properties.url) { lines.push(el("a", {href: properties.url}, [text.details])); }
    return pageBox("div", "hz-popup", lines);
  }

  function pointMarker(feature, i18n, local) {
    var coordinates = feature.geometry.coordinates;
    var properties = feature.properties;
    var marker = L.circleMarker([coordinates[1], coordinates[0]], {
      radius: 8, color: "#ffffff", weight: 2, fillOpacity: 0.95,
      fillColor: i18n.colours[properties.status] || "#6c757d",
      className: "hz-marker hz-marker-" + properties.status
    });
    marker.bindPopup(function () { return pointPopup(properties, i18n, local); });
    marker.feature = feature;
    return marker;
  }

  function campMarker(feature, i18n, local) {
    var coordinates = feature.geometry.coordinates;
    var properties = feature.properties;
    var marker = L.circleMarker([coordinates[1], coordinates[0]], {
      radius: 6, color: "#ffffff", weight: 2, fillOpacity: 0.9,
      fillColor: i18n.camp_colour || "#6f42c1", className: "hz-camp"
    });
    marker.bindPopup(function () {
      var lines = [
        el("strong", {"class": "d-block"}, [i18n.text.camp]),
        el("div", {}, [el("bdi", {}, [properties.group])]),
        el("div", {}, [[properties.field, properties.province].filter(Boolean).join(i18n.separator || ", ")]),
        el("div", {}, [format(i18n.text.camp_days, {days: local(properties.days), volunteers: local(properties.volunteers)})])
      ];
      if (properties.url) { lines.push(el("a", {href: properties.url}, [i18n.text.details])); }
      return pageBox("div", "hz-popup", lines);
    });
    return marker;
  }

  function pointListItem(properties, i18n, local) {
    var status = properties.status;
    var meta = [i18n.kinds[properties.kind] || properties.kind];
    if (properties.pole) { meta.push(format(i18n.text.pole, {pole: local(properties.pole)})); }
    return el("li", {"class": "list-group-item hz-point-row", "data-point": properties.id}, [
      el("div", {"class": "d-flex flex-wrap justify-content-between gap-2"}, [
        el("a", {href: properties.url}, [el("bdi", {}, [properties.name])]),
        el("span", {"class": "badge hz-status hz-status-" + status, "data-status": status}, [i18n.statuses[status] || status])
      ]),
      el("div", {"class": "hz-meta"}, [meta.join(" · ")])
    ]);
  }

  /* --- the public map --------------------------------------------------------------------- */

  function publicMap(element) {
    var i18n = readI18n(element);
    var local = digitsOf(i18n);
    var map = baseMap(element);
    var points = L.featureGroup().addTo(map);
    var camps = L.featureGroup().addTo(map);
    var nearestLayer = L.featureGroup().addTo(map);
    var route = null;
    var first = true;
    var requests = 0;
    var filters = document.getElementById("map-filters");
    var count = document.getElementById("map-count");
    var list = document.getElementById("point-list");
    var more = document.getElementById("point-list-more");
    var status = document.getElementById("map-status");
    var listSize = Number(element.getAttribute("data-list-size") || 20);
    map.setView([32.3, 44.2], 8);

    function say(text) { if (status) { status.textContent = text || ""; } }

    function query(form, extra) {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (String(value).trim() !== "") { params.append(name, value); }
      });
      Object.keys(extra || {}).forEach(function (name) { params.set(name, extra[name]); });
      return params;
    }

    function fitAll() {
      var bounds = L.latLngBounds([]);
      [points, camps].forEach(function (layer) {
        if (layer.getLayers().length) { bounds.extend(layer.getBounds()); }
      });
      if (route) { bounds.extend(route.getBounds()); }
      if (bounds.isValid()) { map.fitBounds(bounds, {padding: [20, 20], maxZoom: 13}); }
    }

    function drawPoints(data) {
      points.clearLayers();
      var features = (data && data.features) || [];
      features.forEach(function (feature) { points.addLayer(pointMarker(feature, i18n, local)); });
      element.setAttribute("data-points", String(features.length));
      if (count) { count.textContent = format(i18n.text.shown, {count: local(features.length)}); }
      if (list) {
        list.textContent = "";
        if (!features.length) {
          list.appendChild(el("li", {"class": "list-group-item hz-meta", id: "point-list-empty"}, [i18n.text.none]));
        }
        features.slice(0, listSize).forEach(function (feature) {
          list.appendChild(pointListItem(feature.properties, i18n, local));
        });
      }
      if (more) { more.hidden = features.length <= listSize; }
    }

    function loadPoints() {
      var params = filters ? query(filters) : new URLSearchParams();
      var mine = ++requests;
      element.setAttribute("aria-busy", "true");
      say(i18n.text.loading);
      return fetchJson(element.getAttribute("data-points-url") + "?" + params.toString()).then(function (answer) {
        if (mine !== requests) { return; }
        drawPoints(answer.data);
        say("");
        if (more) { more.href = more.getAttribute("data-base") + (params.toString() ? "?" + params.toString() : ""); }
        if (first) { first = false; fitAll(); }
      }).catch(function () {
        if (mine === requests) { say(i18n.text.failed); }
      }).finally(function () {
        if (mine === requests) { element.removeAttribute("aria-busy"); }
      }).then(function () {
        if (filters && window.history && window.history.replaceState) {
          var search = params.toString();
          window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
        }
      });
    }

    var routeUrl = element.getAttribute("data-route-url");
    var loads = [];
    if (routeUrl) {
      loads.push(fetchJson(routeUrl).then(function (answer) {
        if (answer.ok) { route = routeLayer(answer.data, i18n, local).addTo(map); route.bringToBack(); }
      }).catch(function () {}));
    }
    var campsUrl = element.getAttribute("data-camps-url");
    if (campsUrl) {
      loads.push(fetchJson(campsUrl).then(function (answer) {
        ((answer.data && answer.data.features) || []).forEach(function (feature) {
          camps.addLayer(campMarker(feature, i18n, local));
        });
      }).catch(function () {}));
    }
    Promise.all(loads).then(loadPoints).then(function () {
      element.setAttribute("data-ready", "true");
    });

    if (filters) {
      filters.addEventListener("submit", function (event) { event.preventDefault(); loadPoints(); });
      filters.addEventListener("change", function () { loadPoints(); });
    }

    nearestSearch(map, nearestLayer, i18n, local, element.getAttribute("data-nearest-url"));
    return map;
  }

  /* --- "the nearest open service" ---------------------------------------------------------- */

  function nearestItem(row, i18n, local) {
    var details = [row.kind_label];
    if (row.pole) { details.push(format(i18n.text.pole, {pole: row.pole_text || local(row.pole)})); }
    if (row.poles_away !== null && row.poles_away !== undefined) {
      details.push(format(i18n.text.poles_away, {poles: local(row.poles_away)}));
    }
    var children = [
      el("div", {"class": "d-flex flex-wrap justify-content-between gap-2"}, [
        el("a", {href: row.url, "class": "fw-semibold"}, [el("bdi", {}, [row.name])]),
        el("span", {"class": "hz-distance", "data-metres": String(row.metres)}, [row.distance])
      ]),
      el("div", {"class": "hz-meta"}, [
        el("span", {"class": "badge hz-status hz-status-" + row.status, "data-status": row.status}, [row.status_label]),
        " " + details.join(" · ")
      ])
    ];
    if (row.service_labels && row.service_labels.length) {
      children.push(el("div", {"class": "hz-meta"}, [row.service_labels.join(i18n.separator || ", ")]));
    }
    return el("li", {"class": "list-group-item hz-near-row", "data-point": String(row.id), "data-pole": row.pole || ""}, children);
  }

  function nearestSearch(map, layer, i18n, local, url) {
    var form = document.getElementById("nearest-form");
    var results = document.getElementById("nearest-results");
    var locate = document.getElementById("nearest-locate");
    var status = document.getElementById("nearest-status");
    if (!form || !results || !url) { return; }

    function say(text) { if (status) { status.textContent = text || ""; } }

    function show(answer) {
      results.textContent = "";
      layer.clearLayers();
      if (!answer.ok) {
        var errors = (answer.data && answer.data.errors) || {};
        var box = pageBox("div", "alert alert-warning py-2", []);
        box.id = "nearest-errors";
        Object.keys(errors).forEach(function (name) {
          errors[name].forEach(function (message) { box.appendChild(el("div", {}, [message])); });
        });
        results.appendChild(box);
        return;
      }
      var rows = answer.data.results || [];
      if (!rows.length) {
        results.appendChild(el("p", {"class": "hz-meta", id: "nearest-none"}, [i18n.text.nearest_none]));
      }
      var listNode = el("ol", {"class": "list-group list-group-numbered", id: "nearest-list"}, []);
      var bounds = L.latLngBounds([]);
      rows.forEach(function (row) {
        listNode.appendChild(nearestItem(row, i18n, local));
        var marker = L.circleMarker([row.latitude, row.longitude], {
          radius: 12, color: "#0d6efd", weight: 3, fill: false, className: "hz-near"
        });
        layer.addLayer(marker);
        bounds.extend(marker.getLatLng());
      });
      if (rows.length) { results.appendChild(listNode); }
      var origin = answer.data.origin_point;
      if (origin) {
        var here = L.circleMarker(origin, {radius: 6, color: "#0d6efd", weight: 2, fillColor: "#0d6efd", fillOpacity: 1, className: "hz-origin"});
        layer.addLayer(here);
        bounds.extend(here.getLatLng());
      }
      move(map, bounds, {maxZoom: 16});
    }

    function ask(params) {
      params.set("format", "json");
      say(i18n.text.loading);
      return fetchJson(url + "?" + params.toString()).then(function (answer) {
        say("");
        show(answer);
      }).catch(function () { say(i18n.text.failed); });
    }

    function params(extra) {
      var values = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (String(value).trim() !== "") { values.append(name, value); }
      });
      Object.keys(extra || {}).forEach(function (name) { values.set(name, extra[name]); });
      return values;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var values = params();
      if (values.get("pole")) { values.delete("lat"); values.delete("lon"); }
      ask(values);
    });

    if (locate && "geolocation" in navigator) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        say(i18n.text.locating);
        navigator.geolocation.getCurrentPosition(function (position) {
          var values = params({
            lat: position.coords.latitude.toFixed(6),
            lon: position.coords.longitude.toFixed(6)
          });
          values.delete("pole");
          say(i18n.text.located);
          ask(values);
        }, function () {
          say(i18n.text.not_located);
        }, {timeout: 10000, maximumAge: 300000});
      });
    }
  }

  /* --- one point, and picking a point ------------------------------------------------------- */

  function pointMap(element) {
    var map = baseMap(element);
    var lat = Number(element.getAttribute("data-lat"));
    var lon = Number(element.getAttribute("data-lon"));
    L.circleMarker([lat, lon], {
      radius: 9, color: "#ffffff", weight: 2, fillOpacity: 0.95,
      fillColor: element.getAttribute("data-colour") || "#198754", className: "hz-marker"
    }).addTo(map);
    map.setView([lat, lon], 14);
    var routeUrl = element.getAttribute("data-route-url");
    if (routeUrl) {
      var i18n = readI18n(element);
      fetchJson(routeUrl).then(function (answer) {
        if (answer.ok) { routeLayer(answer.data, i18n, digitsOf(i18n)).addTo(map).bringToBack(); }
      }).catch(function () {});
    }
    return map;
  }

  function pickMap(element) {
    var map = baseMap(element);
    var latitude = document.getElementById(element.getAttribute("data-latitude") || "id_latitude");
    var longitude = document.getElementById(element.getAttribute("data-longitude") || "id_longitude");
    var marker = null;
    var ascii = function (text) {
      return String(text || "").replace(/[\u06F0-\u06F9]/g, function (d) { return String(d.charCodeAt(0) - 0x06F0); })
        .replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); })
        .replace(/\u066B/g, ".");
    };

    function place(lat, lon, zoom) {
      if (marker) { marker.setLatLng([lat, lon]); } else {
        marker = L.circleMarker([lat, lon], {radius: 9, color: "#ffffff", weight: 2, fillColor: "#0d6efd", fillOpacity: 0.95, className: "hz-pick"}).addTo(map);
      }
      if (zoom) { map.setView([lat, lon], zoom); }
    }

    function fromInputs(zoom) {
      var lat = parseFloat(ascii(latitude && latitude.value));
      var lon = parseFloat(ascii(longitude && longitude.value));
      if (isFinite(lat) && isFinite(lon)) { place(lat, lon, zoom); return true; }
      return false;
    }

    if (!fromInputs(13)) { map.setView([32.3, 44.2], 7); }
    map.on("click", function (event) {
      if (!latitude || !longitude) { return; }
      latitude.value = event.latlng.lat.toFixed(6);
      longitude.value = event.latlng.lng.toFixed(6);
      place(event.latlng.lat, event.latlng.lng);
    });
    [latitude, longitude].forEach(function (input) {
      if (input) { input.addEventListener("change", function () { fromInputs(map.getZoom()); }); }
    });
    var routeUrl = element.getAttribute("data-route-url");
    if (routeUrl) {
      var i18n = readI18n(element);
      fetchJson(routeUrl).then(function (answer) {
        if (answer.ok) { routeLayer(answer.data, i18n, digitsOf(i18n)).addTo(map).bringToBack(); }
      }).catch(function () {});
    }
    return map;
  }

  function start() {
    if (typeof L === "undefined") { return; }
    var modes = {"public": publicMap, point: pointMap, pick: pickMap};
    document.querySelectorAll("[data-hz-map]").forEach(function (element) {
      var make = modes[element.getAttribute("data-mode")];
      if (make) { element.hzMap = make(element); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
