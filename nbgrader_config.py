"""nbgrader configuration for the course (read from the repository root).

tito passes --CourseDirectory.root / --CourseDirectory.db_url when it works in another folder.
"""
c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "tinytorch"
c.CourseDirectory.root = "course"          # source/, release/, submitted/, autograded/, feedback/, gradebook.db
c.Exchange.root = "course/exchange"        # nbgrader's default exchange folder is not writable here

# A student's cell gets a few seconds; an infinite loop is interrupted and grading goes on.
c.Execute.timeout = 5
c.Execute.interrupt_on_timeout = True

# What replaces each solution region in the student copy. The graded tests turn this
# NotImplementedError into a message that says which part is still to do.
c.ClearSolutions.code_stub = {"python": '# YOUR CODE HERE\nraise NotImplementedError("YOUR CODE HERE")'}
