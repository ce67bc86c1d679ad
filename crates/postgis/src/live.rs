//! A live link to one table: a worker thread that reads it (whole, or by the map's view), then
//! follows its changes, and keeps going through a lost connection.
//!
//! Changes are seen two ways. Every [`LiveOptions::poll`] the worker compares a fingerprint of
//! the rows on screen (count and row hashes); and when the table has the notify trigger
//! ([`install_notify_trigger`], installed only with the planner's consent, as it changes the
//! database), the server's NOTIFY arrives at once and the fingerprint is only a safety net.
//! A new version is sent as [`Event::Changed`], to be compared and highlighted as a reloaded
//! file is. When the server goes away the worker says so once ([`Event::Lost`]), the app keeps
//! the last features, and the worker reconnects with a growing pause up to 10 s.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use kuiwen_core::model::{BBox, Feature};
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use crate::catalog::{TableInfo, query_error, table_info};
use crate::conn::{ConnSpec, TableName, quote_ident};
use crate::error::PgError;
use crate::read::{Scope, TableRead, VIEW_MAX_FEATURES, fingerprint, read, view_rows};

/// The channel the notify trigger speaks on; the payload is `schema.table`.
pub const NOTIFY_CHANNEL: &str = "kuiwen_atlas";

/// How often the worker looks for notifications and commands.
const TICK: Duration = Duration::from_millis(200);

/// How the worker paces itself.
#[derive(Clone, Copy, Debug)]
pub struct LiveOptions {
    /// Fingerprint check interval without the notify trigger.
    pub poll: Duration,
    /// Fingerprint check interval with it (a safety net for a missed notification).
    pub poll_with_trigger: Duration,
    /// The longest pause between reconnection attempts.
    pub reconnect_max: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(1),
            poll_with_trigger: Duration::from_secs(15),
            reconnect_max: Duration::from_secs(10),
        }
    }
}

/// What the worker reports.
#[derive(Debug)]
pub enum Event {
    /// Connected and the table found: how it will be read.
    Ready(Box<TableInfo>),
    /// A read for the first time or for a new view: the layer's features, replaced silently.
    Read {
        /// The features, WGS84.
        features: Vec<Feature>,
        /// Whether the view held more than was read.
        truncated: bool,
        /// How long the read took.
        elapsed: Duration,
    },
    /// The table changed under the same view: a new version, to compare with the last.
    Changed {
        /// The features, WGS84.
        features: Vec<Feature>,
        /// Whether the view held more than was read.
        truncated: bool,
    },
    /// The connection is gone (or could not be made); the worker keeps trying.
    Lost(PgError),
    /// Connected again after [`Event::Lost`].
    Restored,
    /// A problem that retrying will not mend (no such table, an SRID the server cannot
    /// transform, a query the server refuses); the worker waits for a new view or to stop.
    Failed(PgError),
}

enum Command {
    View { bbox: BBox, tolerance_deg: f64 },
    Refresh,
    Stop,
}

/// A table followed by a worker thread. Dropping it stops the worker.
pub struct LiveTable {
    commands: Sender<Command>,
    events: Receiver<Event>,
    worker: Option<JoinHandle<()>>,
    spec: ConnSpec,
}

impl LiveTable {
    /// Start following the spec's table. `wake` is called after every event (the app asks
    /// for a repaint there).
    pub fn start(spec: ConnSpec, options: LiveOptions, wake: impl Fn() + Send + 'static) -> Result<Self, PgError> {
        let Some(table) = spec.table.clone() else {
            return Err(PgError::BadSpec("no table given (table=schema.name)".into()));
        };
        let (commands, command_rx) = channel();
        let (event_tx, events) = channel();
        let worker_spec = spec.clone();
        let worker = std::thread::Builder::new()
            .name(format!("postgis {table}"))
            .spawn(move || Worker::new(worker_spec, table, options, command_rx, event_tx, Box::new(wake)).run())
            .map_err(|e| PgError::Connect { server: spec.server(), detail: e.to_string() })?;
        Ok(Self { commands, events, worker: Some(worker), spec })
    }

    /// The connection and table (its display text has no password).
    pub fn spec(&self) -> &ConnSpec {
        &self.spec
    }

    /// The map shows `bbox` now; a table read by view reads it (the latest view wins when
    /// several come while a read runs).
    pub fn set_view(&self, bbox: BBox, tolerance_deg: f64) {
        let _ = self.commands.send(Command::View { bbox, tolerance_deg });
    }

    /// Check for changes now rather than at the next poll.
    pub fn refresh(&self) {
        let _ = self.commands.send(Command::Refresh);
    }

    /// The next event, if one is waiting.
    pub fn try_event(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// Wait up to `timeout` for the next event (for tests and the command line).
    pub fn wait_event(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Drop for LiveTable {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Stop);
        // Not joined: a read of a big view may take a moment, and the window should not wait
        // for it; the worker ends at its next step.
        drop(self.worker.take());
    }
}

struct Worker {
    spec: ConnSpec,
    table: TableName,
    options: LiveOptions,
    commands: Receiver<Command>,
    events: Sender<Event>,
    wake: Box<dyn Fn() + Send>,
    client: Option<Client>,
    info: Option<TableInfo>,
    scope: Option<Scope>,
    last_print: Option<(i64, i64)>,
    has_trigger: bool,
    lost: bool,
    view_pending: bool,
    too_many: bool,
    next_check: Instant,
    retry_pause: Duration,
}

impl Worker {
    fn new(
        spec: ConnSpec,
        table: TableName,
        options: LiveOptions,
        commands: Receiver<Command>,
        events: Sender<Event>,
        wake: Box<dyn Fn() + Send>,
    ) -> Self {
        Self {
            spec,
            table,
            options,
            commands,
            events,
            wake,
            client: None,
            info: None,
            scope: None,
            last_print: None,
            has_trigger: false,
            lost: false,
            view_pending: false,
            too_many: false,
            next_check: Instant::now(),
            retry_pause: Duration::from_millis(500),
        }
    }

    fn send(&self, e: Event) -> bool {
        let ok = self.events.send(e).is_ok();
        (self.wake)();
        ok
    }

    fn run(mut self) {
        loop {
            // Short ticks: a notification or a new view is acted on within a fifth of a second.
            // Connected, the tick is spent waiting for a notification (the client's reader only
            // runs while it waits); otherwise waiting for a command.
            let mut commands = Vec::new();
            let mut notified = false;
            if self.client.is_some() {
                match self.wait_notification(TICK) {
                    Ok(hit) => notified = hit,
                    Err(e) => self.connection_lost(e),
                }
            } else {
                match self.commands.recv_timeout(TICK) {
                    Ok(c) => commands.push(c),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            loop {
                match self.commands.try_recv() {
                    Ok(c) => commands.push(c),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return,
                }
            }
            let mut view = None;
            let mut refresh = notified;
            for c in commands {
                match c {
                    Command::Stop => return,
                    Command::View { bbox, tolerance_deg } => view = Some(Scope::View { bbox, tolerance_deg }),
                    Command::Refresh => refresh = true,
                }
            }
            if let Err(e) = self.step(view, refresh) {
                if e.is_connection() {
                    self.connection_lost(e);
                } else {
                    if !self.send(Event::Failed(e)) {
                        return;
                    }
                    // Not retried at once: it would fail the same way. The next attempt
                    // reconnects and reads the table's entry afresh (its columns may have
                    // changed), then reads it again.
                    self.client = None;
                    self.last_print = None;
                    self.next_check = Instant::now() + self.options.reconnect_max;
                }
            }
        }
    }

    /// The connection is gone: said once, then retried with a growing pause.
    fn connection_lost(&mut self, e: PgError) {
        self.client = None;
        if !self.lost {
            self.lost = true;
            self.send(Event::Lost(e));
        }
        self.next_check = Instant::now() + self.retry_pause;
        self.retry_pause = (self.retry_pause * 2).min(self.options.reconnect_max);
    }

    /// Wait up to `wait` for a notification about this table; drain any others.
    fn wait_notification(&mut self, wait: Duration) -> Result<bool, PgError> {
        let table = self.table.to_string();
        let server = self.spec.server();
        let lost = |e: postgres::Error| PgError::Lost { server: server.clone(), detail: crate::error::detail(&e) };
        let client = self.client_mut()?;
        let mut notes = client.notifications();
        let mut hit = false;
        let mut waiting = notes.timeout_iter(wait);
        while let Some(n) = FallibleIterator::next(&mut waiting).map_err(&lost)? {
            hit |= n.payload() == table;
            if hit {
                break;
            }
        }
        drop(waiting);
        let mut pending = notes.iter();
        while let Some(n) = FallibleIterator::next(&mut pending).map_err(&lost)? {
            hit |= n.payload() == table;
        }
        Ok(hit)
    }

    /// One tick: connect if needed, read a new view, or check for changes when it is time.
    fn step(&mut self, view: Option<Scope>, refresh: bool) -> Result<(), PgError> {
        if self.client.is_none() {
            // Away: a new view is remembered, and read once connected again.
            if let Some(v) = view.filter(|_| self.info.as_ref().is_none_or(|i| !i.read_whole())) {
                self.view_pending = self.scope.is_some();
                self.scope = Some(v);
            }
            if Instant::now() < self.next_check {
                return Ok(());
            }
            let first = self.info.is_none();
            self.connect()?;
            if !first {
                return Ok(());
            }
        }
        let Some(info) = self.info.clone() else { return Ok(()) };
        if info.read_whole() && self.scope != Some(Scope::Whole) {
            self.scope = Some(Scope::Whole);
            return self.read_now(&info, false);
        }
        if let Some(v) = view.filter(|_| !info.read_whole()) {
            self.scope = Some(v);
            return self.read_now(&info, false);
        }
        let interval = if self.has_trigger { self.options.poll_with_trigger } else { self.options.poll };
        // A view too big to read shows nothing: there is nothing on screen to keep up to date.
        if (refresh || Instant::now() >= self.next_check) && !self.too_many {
            self.next_check = Instant::now() + interval;
            if let Some(scope) = self.scope {
                let print = fingerprint(self.client_mut()?, &info, scope)?;
                if Some(print) != self.last_print {
                    return self.read_now(&info, true);
                }
            }
        }
        Ok(())
    }

    fn client_mut(&mut self) -> Result<&mut Client, PgError> {
        let server = self.spec.server();
        self.client.as_mut().ok_or(PgError::Lost { server, detail: "not connected".into() })
    }

    fn connect(&mut self) -> Result<(), PgError> {
        let mut client = self.spec.connect()?;
        let info = table_info(&mut client, &self.spec.server(), &self.table)?;
        client
            .batch_execute(&format!("LISTEN {}", quote_ident(NOTIFY_CHANNEL)))
            .map_err(|e| query_error(&self.spec.server(), &e))?;
        self.has_trigger = has_notify_trigger(&mut client, &self.table).unwrap_or(false);
        self.client = Some(client);
        self.retry_pause = Duration::from_millis(500);
        self.next_check = Instant::now() + self.options.poll;
        let first = self.info.is_none();
        self.info = Some(info.clone());
        if first {
            self.send(Event::Ready(Box::new(info.clone())));
        }
        if self.lost {
            self.lost = false;
            self.send(Event::Restored);
        }
        // What changed while away (or since a failed read) is a change like any other; a view
        // moved while away is a new view.
        if !first && std::mem::take(&mut self.view_pending) {
            self.read_now(&info, false)?;
        } else if !first && let Some(scope) = self.scope {
            let print = fingerprint(self.client_mut()?, &info, scope)?;
            if Some(print) != self.last_print {
                self.read_now(&info, true)?;
            }
        }
        Ok(())
    }

    fn read_now(&mut self, info: &TableInfo, changed: bool) -> Result<(), PgError> {
        let Some(scope) = self.scope else { return Ok(()) };
        let started = Instant::now();
        let client = self.client_mut()?;
        // A view too big to read is known from a count, before the fingerprint hashes its rows.
        let too_many = matches!(scope, Scope::View { .. }) && view_rows(client, info, scope)? > VIEW_MAX_FEATURES;
        let print = if too_many { (0, 0) } else { fingerprint(client, info, scope)? };
        let got =
            if too_many { TableRead { features: Vec::new(), truncated: true } } else { read(client, info, scope)? };
        self.last_print = Some(print);
        self.too_many = got.truncated;
        let event = if changed {
            Event::Changed { features: got.features, truncated: got.truncated }
        } else {
            Event::Read { features: got.features, truncated: got.truncated, elapsed: started.elapsed() }
        };
        self.send(event);
        Ok(())
    }
}

/// Whether the table has the notify trigger.
pub fn has_notify_trigger(client: &mut Client, table: &TableName) -> Result<bool, PgError> {
    let row = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = 'kuiwen_atlas_notify')",
            &[&table.quoted()],
        )
        .map_err(|e| query_error(&table.to_string(), &e))?;
    Ok(row.get(0))
}

/// Install the notify trigger on a table (the planner agreed: it adds a function and a
/// statement-level trigger, which needs the table owner's rights). Every INSERT, UPDATE, DELETE
/// or TRUNCATE then sends `NOTIFY kuiwen_atlas, 'schema.table'`, so every open app sees the
/// change at once instead of at its next poll.
pub fn install_notify_trigger(client: &mut Client, table: &TableName) -> Result<(), PgError> {
    let sql = format!(
        "CREATE OR REPLACE FUNCTION public.kuiwen_atlas_notify() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_notify('{NOTIFY_CHANNEL}', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME); RETURN NULL; END $$;
         DROP TRIGGER IF EXISTS kuiwen_atlas_notify ON {t};
         CREATE TRIGGER kuiwen_atlas_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t}
           FOR EACH STATEMENT EXECUTE FUNCTION public.kuiwen_atlas_notify();",
        t = table.quoted()
    );
    let mut tx = client.transaction().map_err(|e| query_error(&table.to_string(), &e))?;
    tx.batch_execute(&sql).map_err(|e| query_error(&table.to_string(), &e))?;
    tx.commit().map_err(|e| query_error(&table.to_string(), &e))
}
