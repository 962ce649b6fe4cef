//! W3C Trace Context for the processing log (Logboek Dataverwerkingen): each request runs
//! in a trace, the caller's (from its `traceparent`) or a new one; every processing logged
//! in it is an operation of that trace, and a call Nazorg makes to another system sends a
//! `traceparent` naming the operation that makes it.

use crate::accounts::random_hex;
use nazorg_store::audit::LogTrace;

tokio::task_local! {
    static CURRENT: Trace;
}

/// The trace a processing runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// 16 bytes, hex.
    pub trace_id: String,
    /// The operation of Nazorg the processings in this scope are part of (8 bytes, hex).
    pub parent_operation_id: Option<String>,
    /// The caller's trace and operation, when another application called Nazorg.
    pub foreign: Option<(String, String)>,
}

/// A new operation id: 8 random bytes, hex.
pub fn new_operation_id() -> String {
    random_hex::<8>()
}

/// Reads a W3C `traceparent` (version 00): its trace id and the caller's operation id.
/// All-zero ids and malformed values are no trace context.
pub fn parse_traceparent(header: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = header.trim().split('-').collect();
    let [version, trace, parent, flags] = parts.as_slice() else {
        return None;
    };
    let hex = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    };
    let zero = |s: &str| s.bytes().all(|b| b == b'0');
    (hex(version, 2) && *version != "ff" && hex(trace, 32) && hex(parent, 16) && hex(flags, 2))
        .then_some(())
        .filter(|()| !zero(trace) && !zero(parent))
        .map(|()| (trace.to_string(), parent.to_string()))
}

impl Trace {
    /// A new trace, started by Nazorg.
    pub fn new() -> Trace {
        Trace {
            trace_id: random_hex::<16>(),
            parent_operation_id: None,
            foreign: None,
        }
    }

    /// The trace of a request: the caller's, from its `traceparent`, or a new one.
    pub fn of_request(traceparent: Option<&str>) -> Trace {
        match traceparent.and_then(parse_traceparent) {
            Some((trace, operation)) => Trace {
                trace_id: trace.clone(),
                parent_operation_id: None,
                foreign: Some((trace, operation)),
            },
            None => Trace::new(),
        }
    }

    /// The same trace, its processings part of `operation`.
    pub fn within(&self, operation: &str) -> Trace {
        Trace {
            parent_operation_id: Some(operation.to_string()),
            ..self.clone()
        }
    }

    /// The `traceparent` of a call made by `operation` of this trace.
    pub fn traceparent(&self, operation: &str) -> String {
        format!("00-{}-{operation}-01", self.trace_id)
    }

    /// Runs `work` in this trace.
    pub async fn scope<F: std::future::Future>(self, work: F) -> F::Output {
        CURRENT.scope(self, work).await
    }

    /// The trace of the running task: its scope's, or a new one for work outside any.
    pub fn current() -> Trace {
        CURRENT
            .try_with(Clone::clone)
            .unwrap_or_else(|_| Trace::new())
    }

    /// The place in the trace of one processing of `activity`, OK or not.
    pub(crate) fn operation(&self, activity: &str, ok: bool) -> LogTrace {
        LogTrace {
            trace_id: self.trace_id.clone(),
            operation_id: new_operation_id(),
            parent_operation_id: self.parent_operation_id.clone(),
            foreign_trace_id: self.foreign.as_ref().map(|f| f.0.clone()),
            foreign_operation_id: self.foreign.as_ref().map(|f| f.1.clone()),
            status_code: if ok { "OK" } else { "ERROR" }.into(),
            activity: activity.to_string(),
        }
    }
}

impl Default for Trace {
    fn default() -> Self {
        Trace::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_traceparent_is_read_as_w3c_trace_context_says() {
        let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert_eq!(
            parse_traceparent(tp),
            Some((
                "4bf92f3577b34da6a3ce929d0e0e4736".into(),
                "00f067aa0ba902b7".into()
            ))
        );
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        ] {
            assert_eq!(parse_traceparent(bad), None, "{bad}");
        }
        let t = Trace::of_request(Some(tp));
        assert_eq!(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(
            t.operation("nazorg_casus", true)
                .foreign_operation_id
                .as_deref(),
            Some("00f067aa0ba902b7")
        );
        assert_eq!(Trace::new().trace_id.len(), 32);
        assert_eq!(new_operation_id().len(), 16);
    }
}
