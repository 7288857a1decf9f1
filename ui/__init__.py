"""The Streamlit chat: sign-in, case overview, cited answers, evidence, trace graphs, reports."""
