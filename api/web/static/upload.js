// The upload page (templates/upload.html): resumable uploads with
// tus-js-client (static/vendor/tus-js-client) to /api/v1/uploads.
//
// Files and folders come from the drop zone or the two file inputs; three
// are sent at a time in chunks of data-chunk bytes. A dropped connection is
// retried (retryDelays); an interrupted upload resumes after a page reload
// when the same file is chosen again (the fingerprint is kept in
// localStorage). Each row carries data-name (the path inside the dropped
// folder, or the file name) and data-state: queued, uploading, paused, done,
// duplicate, refused or error.
(function () {
  'use strict';

  var root = document.getElementById('upload');
  if (!root || !window.tus) {
    return;
  }
  var ds = root.dataset;
  var endpoint = ds.endpoint || '/api/v1/uploads';
  var chunkSize = parseInt(ds.chunk, 10) || 5 * 1024 * 1024;
  var parallel = parseInt(ds.parallel, 10) || 3;
  var lang = ds.lang || document.body.dataset.lang || 'vi';
  var csrf = ds.csrf || document.body.dataset.csrf || '';
  var user = ds.user || '';
  var expireMS = parseInt(ds.expireMs, 10) || 0;
  var fingerprintPrefix = 'quangba|' + user + '|';
  var retryDelays = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000, 60000];
  var ignoredNames = /^(\..*|Thumbs\.db|desktop\.ini)$/i;

  var queueEl = document.getElementById('upload-queue');
  var rowTemplate = document.getElementById('upload-row');
  var live = document.getElementById('upload-live');
  var batchBar = document.getElementById('upload-batch');
  var batchText = document.getElementById('upload-batch-text');
  var emptyEl = document.getElementById('upload-empty');
  var clearBtn = document.getElementById('upload-clear');
  var kindSelect = document.getElementById('upload-kind');
  var filesInput = document.getElementById('upload-files');
  var folderInput = document.getElementById('upload-folder');
  var drop = document.getElementById('upload-drop');

  // msg returns the message data-msg-<key>, with {name} filled from vars.
  function msg(key, vars) {
    var camel = 'msg' + key.replace(/(^|-)([a-z])/g, function (_, __, c) { return c.toUpperCase(); });
    var s = ds[camel] || key;
    if (vars) {
      s = s.replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? String(vars[k]) : m; });
    }
    return s;
  }

  function announce(text) {
    live.textContent = '';
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function formatBytes(n) {
    var units = ['B', 'KB', 'MB', 'GB', 'TB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    var s = (i === 0 ? n : n.toFixed(1)).toString();
    return (lang === 'vi' ? s.replace('.', ',') : s) + ' ' + units[i];
  }

  function pct(sent, total) {
    return total > 0 ? Math.floor((sent / total) * 100) : 100;
  }

  // errorText picks the message of an API error body in the page language.
  function errorText(body) {
    try {
      var e = JSON.parse(body).error;
      if (e) {
        return (lang === 'en' ? e.message_en : e.message_vi) || e.message || '';
      }
    } catch (ignore) {
      // not JSON: tusd's own plain-text errors
    }
    return '';
  }

  var items = [];
  var active = 0;

  function Item(file, rel) {
    this.file = file;
    this.rel = rel;
    this.sent = 0;
    this.state = 'queued';
    this.upload = null;
    this.url = '';
    var li = rowTemplate.content.firstElementChild.cloneNode(true);
    var id = 'upload-item-' + items.length;
    li.id = id;
    li.dataset.name = rel;
    li.querySelector('.upload-name').textContent = rel;
    li.querySelector('.upload-name').id = id + '-name';
    li.querySelector('.upload-size').textContent = formatBytes(file.size);
    this.bar = li.querySelector('.upload-progress');
    this.bar.setAttribute('aria-labelledby', id + '-name');
    this.status = li.querySelector('.upload-status');
    this.result = li.querySelector('.upload-result');
    this.action = li.querySelector('.upload-action');
    this.li = li;
    var self = this;
    this.action.addEventListener('click', function () { self.onAction(); });
    this.setState('queued', msg('queued'));
    queueEl.appendChild(li);
  }

  Item.prototype.setState = function (state, text) {
    this.state = state;
    this.li.dataset.state = state;
    if (text !== undefined) {
      this.status.textContent = text;
    }
    var label = { uploading: 'pause', paused: 'resume', error: 'retry' }[state];
    if (label) {
      this.action.textContent = msg(label);
      this.action.hidden = false;
    } else {
      this.action.hidden = true;
    }
    updateBatch();
  };

  Item.prototype.onAction = function () {
    if (this.state === 'uploading' && this.upload) {
      this.upload.abort(); // keeps what was sent; start() resumes from it
      active--;
      this.setState('paused', msg('paused'));
      pump();
    } else if (this.state === 'paused' || this.state === 'error') {
      this.setState('queued', msg('queued'));
      pump();
    }
  };

  Item.prototype.start = function () {
    var self = this;
    active++;
    this.setState('uploading', msg('uploading', { pct: pct(this.sent, this.file.size) }));
    if (this.upload) {
      this.upload.start();
      return;
    }
    var meta = { filename: this.file.name, filetype: this.file.type || '' };
    if (this.rel !== this.file.name) {
      meta.relativePath = this.rel;
    }
    if (kindSelect && kindSelect.value) {
      meta.kind = kindSelect.value;
    }
    var rel = this.rel;
    var upload = new window.tus.Upload(this.file, {
      endpoint: endpoint,
      chunkSize: chunkSize,
      retryDelays: retryDelays,
      metadata: meta,
      headers: { 'X-CSRF-Token': csrf },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      fingerprint: function (file) {
        return Promise.resolve(fingerprintPrefix + [rel, file.size, file.lastModified].join('|'));
      },
      onProgress: function (sent, total) {
        self.sent = sent;
        self.bar.value = pct(sent, total);
        self.status.textContent = sent === total ? msg('processing') : msg('uploading', { pct: pct(sent, total) });
        updateBatch();
      },
      onShouldRetry: function (err) {
        var res = err.originalResponse;
        var status = res ? res.getStatus() : 0;
        if (status === 0 || status === 409 || status === 423 || status >= 500) {
          self.status.textContent = msg('retrying');
          return true;
        }
        return false; // 4xx: retrying will not help
      },
      onSuccess: function (payload) {
        self.url = upload.url;
        var header = payload && payload.lastResponse ? payload.lastResponse.getHeader('Upload-Result') : '';
        self.finish(header);
      },
      onError: function (err) {
        active--;
        var res = err.originalResponse;
        var text = res ? errorText(res.getBody()) : '';
        var status = res ? res.getStatus() : 0;
        if (status === 413 || status === 400 || status === 415) {
          self.setState('refused', msg('refused'));
          self.result.textContent = text;
        } else {
          self.setState('error', msg('error'));
          self.result.textContent = text || msg('network');
        }
        announce(rel + ': ' + self.status.textContent + '. ' + self.result.textContent);
        pump();
      }
    });
    this.upload = upload;
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length > 0) {
        upload.resumeFromPreviousUpload(previous[0]);
        self.status.textContent = msg('resuming');
      }
      upload.start();
    }).catch(function () {
      upload.start();
    });
  };

  // finish asks the server what became of the file, then shows it.
  Item.prototype.finish = function (header) {
    var self = this;
    this.bar.value = 100;
    this.status.textContent = msg('processing');
    var url = new URL(this.url, window.location.href).pathname + '/result';
    var tries = 0;
    function ask() {
      fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf } })
        .then(function (r) {
          if (!r.ok) {
            throw new Error('HTTP ' + r.status);
          }
          return r.json();
        })
        .then(function (out) {
          if (out.status === 'processing' || out.status === 'uploading') {
            if (++tries < 60) {
              window.setTimeout(ask, 1000);
              return;
            }
          }
          self.show(out);
        })
        .catch(function () {
          var out = null;
          try {
            out = JSON.parse(header || 'null');
          } catch (ignore) {
            out = null;
          }
          if (out && out.status) {
            out.asset = out.asset_id ? { id: out.asset_id } : null;
            self.show(out);
          } else {
            active--;
            self.setState('error', msg('error'));
            self.result.textContent = msg('network');
            pump();
          }
        });
    }
    ask();
  };

  function link(href, text) {
    var a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    return a;
  }

  Item.prototype.show = function (out) {
    active--;
    this.result.textContent = '';
    var text;
    if (out.status === 'new') {
      text = msg('done');
      this.setState('done', text);
      if (out.asset) {
        this.result.appendChild(link('/assets/' + encodeURIComponent(out.asset.id), msg('view')));
      }
    } else if (out.status === 'duplicate') {
      text = msg('duplicate');
      this.setState('duplicate', text);
      if (out.asset) {
        this.result.appendChild(link('/assets/' + encodeURIComponent(out.asset.id), msg('view-existing')));
      } else if (out.error) {
        this.result.textContent = lang === 'en' ? out.error.message_en : out.error.message_vi;
      }
    } else if (out.status === 'refused') {
      text = msg('refused');
      this.setState('refused', text);
      if (out.error) {
        this.result.textContent = lang === 'en' ? out.error.message_en : out.error.message_vi;
      }
    } else { // still not checked after a minute: the server will have it later
      text = msg('error');
      this.setState('error', text);
      this.result.textContent = msg('network');
    }
    announce(this.rel + ': ' + text + (this.result.textContent ? '. ' + this.result.textContent : ''));
    pump();
  };

  // pump starts queued files while fewer than `parallel` are running.
  function pump() {
    for (var i = 0; i < items.length && active < parallel; i++) {
      if (items[i].state === 'queued') {
        items[i].start();
      }
    }
    var finished = items.length > 0 && items.every(function (it) {
      return it.state === 'done' || it.state === 'duplicate' || it.state === 'refused' || it.state === 'error';
    });
    if (finished && !pump.announced) {
      pump.announced = true;
      var c = counts();
      announce(msg('finished', { new: c.done, dup: c.duplicate, bad: c.refused + c.error }));
    }
  }

  function counts() {
    var c = { queued: 0, uploading: 0, paused: 0, done: 0, duplicate: 0, refused: 0, error: 0 };
    items.forEach(function (it) { c[it.state]++; });
    return c;
  }

  function updateBatch() {
    var total = 0;
    var sent = 0;
    var done = 0;
    items.forEach(function (it) {
      total += it.file.size;
      var finished = it.state === 'done' || it.state === 'duplicate' || it.state === 'refused' || it.state === 'error';
      sent += finished ? it.file.size : it.sent;
      if (finished) {
        done++;
      }
    });
    var p = pct(sent, total);
    batchBar.value = items.length ? p : 0;
    batchText.textContent = items.length ? msg('batch', { done: done, total: items.length, pct: p }) : '';
    emptyEl.hidden = items.length > 0;
    clearBtn.hidden = done === 0;
  }

  // add queues files ({file, rel}), skipping system files and ones queued
  // and not finished.
  function add(entries) {
    var added = 0;
    var skipped = 0;
    entries.forEach(function (e) {
      var queued = items.some(function (it) {
        return it.rel === e.rel && it.file.size === e.file.size && it.state !== 'error' && it.state !== 'refused';
      });
      if (ignoredNames.test(e.file.name) || queued) {
        skipped++;
        return;
      }
      items.push(new Item(e.file, e.rel));
      added++;
    });
    if (added > 0) {
      pump.announced = false;
    }
    announce(msg('added', { n: added }) + (skipped ? ' ' + msg('skipped', { n: skipped }) : ''));
    updateBatch();
    pump();
  }

  function fromFileList(list) {
    var out = [];
    for (var i = 0; i < list.length; i++) {
      out.push({ file: list[i], rel: list[i].webkitRelativePath || list[i].name });
    }
    return out;
  }

  // walk reads a dropped file or folder (recursively) into {file, rel}s.
  function walk(entry, prefix) {
    if (entry.isFile) {
      return new Promise(function (resolve) {
        entry.file(function (f) { resolve([{ file: f, rel: prefix + f.name }]); }, function () { resolve([]); });
      });
    }
    if (!entry.isDirectory) {
      return Promise.resolve([]);
    }
    var reader = entry.createReader();
    var children = [];
    return new Promise(function (resolve) {
      function more() {
        reader.readEntries(function (batch) {
          if (batch.length === 0) {
            resolve(children);
            return;
          }
          children = children.concat(batch);
          more(); // readEntries returns at most 100 at a time
        }, function () { resolve(children); });
      }
      more();
    }).then(function (list) {
      return Promise.all(list.map(function (c) { return walk(c, prefix + entry.name + '/'); }));
    }).then(function (nested) {
      return [].concat.apply([], nested);
    });
  }

  drop.addEventListener('click', function () { filesInput.click(); });
  document.getElementById('upload-pick-files').addEventListener('click', function () { filesInput.click(); });
  document.getElementById('upload-pick-folder').addEventListener('click', function () { folderInput.click(); });
  [filesInput, folderInput].forEach(function (input) {
    input.addEventListener('change', function () {
      add(fromFileList(input.files));
      input.value = '';
    });
  });
  ['dragenter', 'dragover'].forEach(function (type) {
    drop.addEventListener(type, function (ev) {
      ev.preventDefault();
      drop.classList.add('dragging');
    });
  });
  drop.addEventListener('dragleave', function () { drop.classList.remove('dragging'); });
  drop.addEventListener('drop', function (ev) {
    ev.preventDefault();
    drop.classList.remove('dragging');
    var dt = ev.dataTransfer;
    var entries = [];
    if (dt.items && dt.items.length && dt.items[0].webkitGetAsEntry) {
      for (var i = 0; i < dt.items.length; i++) { // entries must be taken during the event
        var en = dt.items[i].kind === 'file' ? dt.items[i].webkitGetAsEntry() : null;
        if (en) {
          entries.push(en);
        }
      }
    }
    if (entries.length === 0) {
      add(fromFileList(dt.files));
      return;
    }
    Promise.all(entries.map(function (en) { return walk(en, ''); })).then(function (nested) {
      add([].concat.apply([], nested));
    });
  });

  clearBtn.addEventListener('click', function () {
    items = items.filter(function (it) {
      var finished = it.state === 'done' || it.state === 'duplicate' || it.state === 'refused';
      if (finished) {
        it.li.remove();
      }
      return !finished;
    });
    updateBatch();
  });

  window.addEventListener('beforeunload', function (ev) {
    if (items.some(function (it) { return it.state === 'uploading' || it.state === 'queued'; })) {
      ev.preventDefault();
      ev.returnValue = msg('leave');
      return ev.returnValue;
    }
    return undefined;
  });

  // Uploads left unfinished by an earlier visit: list them so the user can
  // choose the same files again.
  function showPending() {
    var storage = window.tus.defaultOptions && window.tus.defaultOptions.urlStorage;
    if (!storage || !storage.findAllUploads) {
      return;
    }
    storage.findAllUploads().then(function (all) {
      var mine = all.filter(function (u) {
        if (!u.urlStorageKey || u.urlStorageKey.indexOf('tus::' + fingerprintPrefix) !== 0) {
          return false;
        }
        if (expireMS > 0 && Date.now() - Date.parse(u.creationTime) > expireMS) {
          storage.removeUpload(u.urlStorageKey); // the server has deleted it by now
          return false;
        }
        return true;
      });
      if (mine.length === 0) {
        return;
      }
      var list = document.getElementById('upload-pending-list');
      mine.forEach(function (u) {
        var li = document.createElement('li');
        var m = u.metadata || {};
        li.textContent = (m.relativePath || m.filename || '?') + (u.size ? ' (' + formatBytes(u.size) + ')' : '');
        list.appendChild(li);
      });
      document.getElementById('upload-pending').hidden = false;
    }).catch(function () {});
  }

  showPending();
  updateBatch();
}());
