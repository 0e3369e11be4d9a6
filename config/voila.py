# Voilà settings for the course dashboards (read by `make dashboards`, which starts Voilà with
# --Voila.config_file_paths=config; tests and benchmarks start it the same way, through
# okrlib.views.serve.voila_command). Not named by a folder on sys.path: a voila.py there would hide
# the voila package itself. See README "Dashboards".
from okrlib.views.serve import set_xsrf_cookie

c = get_config()  # noqa: F821 - provided by traitlets when Voilà loads this file

# Reachable from this machine only; serve this folder's dashboards and nothing else.
c.Voila.ip = "127.0.0.1"
c.VoilaConfiguration.file_allowlist = []  # no file of the folder is served as a file (notebooks render)

# Readers see results, never code or Python errors.
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False

# Shut each page's kernel when the page goes (okrlib.views.serve explains the fix), and cull what a
# crashed browser leaves behind: a kernel idle for 10 minutes with no page attached.
c.VoilaConfiguration.prelaunch_hook = set_xsrf_cookie
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = False

# The page template: Voilà's "lab" page with no request to a CDN (config/jupyter/voila/templates/
# okrlib; found through JUPYTER_PATH, which okrlib.views.serve.voila_env sets). Only the extensions the
# dashboards use are loaded: the Jupytext extension is a JupyterLab editor plugin that Voilà's page
# cannot host (it logs a module-federation error).
c.VoilaConfiguration.template = "okrlib"
c.VoilaConfiguration.extension_denylist = ["jupyterlab-jupytext"]

# No page waits forever on its notebook. Voilà's executor (nbclient) waits for a cell's reply with
# no limit by default: a kernel that never answered would leave the page at "Running ..." for
# good. With a limit the page ends with a message instead. 300 s is far above a dashboard's first
# render (~2-5 s, ~25 s with a few pages at once on two cores), so a whole class opening the page
# at once is not cut short. (The stall the dashboards benchmark met was in the browser, after the
# page had come in: the page template's watchdog explains and repairs it.)
c.VoilaExecutor.timeout = 300
c.VoilaExecutor.startup_timeout = 120  # kernel start (Voilà's default is 60 s): a class starts 30 at once
c.VoilaExecutor.cell_timeout_instruction = "页面准备超时,请刷新页面重试。/ The page took too long to prepare: please reload it."
c.VoilaExecutor.cell_error_instruction = "页面准备出错,请刷新页面重试;若仍出错请告知讲师。/ The page could not be prepared: please reload it, and tell the instructor if it happens again."
