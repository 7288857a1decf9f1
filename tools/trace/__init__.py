"""Tracing money through a case's transfers: graph, allocation policies, endpoints, patterns."""

from tools.trace.engine import trace
from tools.trace.graph import CaseGraph, load_case_graph
from tools.trace.models import TraceRequest, TraceResult

__all__ = ["CaseGraph", "TraceRequest", "TraceResult", "load_case_graph", "trace"]
