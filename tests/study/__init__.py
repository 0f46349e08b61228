"""Tests of the study engine (studyvm.study)."""
