"""The study engine: FSRS reviews, grading, quizzes, mock exams, progress and the class report.

Headless: never imports textual. The facade is :mod:`studyvm.study.service`.
"""
